import { Option, type Command } from 'commander';
import { parseTimeoutSeconds } from './parse-values.js';
import type { CloudOverrides } from '../index.js';
import type { GlobalOptions } from './types.js';
import { UsageError } from '../core.js';

/** Long names of global options that take a value (the argv pre-scan must skip their values). */
export const VALUE_GLOBALS: readonly string[] = [
  '--os-cloud',
  '--os-auth-url',
  '--os-username',
  '--os-password',
  '--os-project-name',
  '--os-user-domain-name',
  '--os-project-domain-name',
  '--os-region-name',
  '--os-interface',
  '--os-cacert',
  '--config',
  '--journal',
  '--timeout',
];

export function addGlobalOptions(program: Command): void {
  program
    .option('--os-cloud <name>', 'cloud name in clouds.yaml (env: OS_CLOUD)')
    .option('--os-auth-url <url>', 'authentication URL (env: OS_AUTH_URL)')
    .option('--os-username <name>', 'user name (env: OS_USERNAME)')
    .option('--os-password <password>', 'password (env: OS_PASSWORD; visible to other local users in the process list: prefer the variable or clouds.yaml)')
    .option('--os-project-name <name>', 'project name to scope to (env: OS_PROJECT_NAME)')
    .option('--os-user-domain-name <name>', "the user's domain name (env: OS_USER_DOMAIN_NAME)")
    .option('--os-project-domain-name <name>', "the project's domain name (env: OS_PROJECT_DOMAIN_NAME)")
    .option('--os-region-name <name>', 'region name (env: OS_REGION_NAME)')
    .addOption(new Option('--os-interface <interface>', 'endpoint interface (env: OS_INTERFACE)').choices(['public', 'internal', 'admin']))
    .option('--os-cacert <file>', 'CA bundle to verify TLS with (env: OS_CACERT)')
    .option('--insecure', 'do not verify TLS certificates (dangerous)')
    .option('--config <file>', 'ccsnap config file (env: CCSNAP_CONFIG)')
    .option('--journal <path>', 'journal database (env: CCSNAP_JOURNAL)')
    .option('--sandbox', 'use the built-in sandbox cloud instead of a real one')
    .option('--debug', 'print debug output, HTTP requests and error stacks')
    .option('-v, --verbose', 'more output (repeatable)', (_v: string, prev: number) => prev + 1, 0)
    .option('-q, --quiet', 'only print errors')
    .option('--timeout <seconds>', 'timeout of every request (OpenStack, array, sandbox), in seconds (0 < s <= 86400)', parseTimeoutSeconds);
}

/** Commander's parsed program options (+ CCSNAP_CONFIG / CCSNAP_JOURNAL defaults) -> GlobalOptions. */
export function resolveGlobals(opts: Record<string, unknown>, env: NodeJS.ProcessEnv): GlobalOptions {
  const str = (key: string, envName?: string): string | undefined => {
    const v = opts[key];
    if (typeof v === 'string' && v !== '') return v;
    const e = envName ? env[envName] : undefined;
    return e === undefined || e === '' ? undefined : e;
  };
  const globals: GlobalOptions = {
    insecure: opts.insecure === true,
    sandbox: opts.sandbox === true,
    debug: opts.debug === true,
    verbose: typeof opts.verbose === 'number' ? opts.verbose : 0,
    quiet: opts.quiet === true,
  };
  // OS_* variables are left to the OpenStack resolver (src/openstack/config.ts), which ranks
  // flags > environment > clouds.yaml exactly like python-openstackclient; see cloudOverrides().
  const optional: Array<[keyof GlobalOptions, string, string | undefined]> = [
    ['osCloud', 'osCloud', undefined],
    ['osAuthUrl', 'osAuthUrl', undefined],
    ['osUsername', 'osUsername', undefined],
    ['osPassword', 'osPassword', undefined],
    ['osProjectName', 'osProjectName', undefined],
    ['osUserDomainName', 'osUserDomainName', undefined],
    ['osProjectDomainName', 'osProjectDomainName', undefined],
    ['osRegionName', 'osRegionName', undefined],
    ['osInterface', 'osInterface', undefined],
    ['osCacert', 'osCacert', undefined],
    ['config', 'config', 'CCSNAP_CONFIG'],
    ['journal', 'journal', 'CCSNAP_JOURNAL'],
  ];
  for (const [target, key, envName] of optional) {
    const v = str(key, envName);
    if (v !== undefined) (globals as unknown as Record<string, unknown>)[target] = v;
  }
  if (typeof opts.timeout === 'number') globals.timeout = opts.timeout;
  refusePasswordInArgv(opts.journal);
  return globals;
}

/**
 * A PostgreSQL journal URL with a password on the command line would show in the process list (and in shell
 * history): refused before anything runs. The password goes in PGPASSWORD, ~/.pgpass, $CCSNAP_JOURNAL or the
 * config's `journal:`. The message never repeats the URL.
 */
function refusePasswordInArgv(journal: unknown): void {
  if (typeof journal === 'string' && /^postgres(?:ql)?:\/\/[^/?#@]*:[^@]*@/i.test(journal)) {
    throw new UsageError(
      "--journal holds a password, which every local user can read in the process list; put it in PGPASSWORD, ~/.pgpass, $CCSNAP_JOURNAL or the config's journal:",
    );
  }
}

/** The --os-* flags as overrides for resolveCloud({ env: ctx.env, overrides }) (flags win over OS_* and files). */
export function cloudOverrides(globals: GlobalOptions): CloudOverrides {
  const o: CloudOverrides = {};
  if (globals.osCloud !== undefined) o.cloud = globals.osCloud;
  if (globals.osAuthUrl !== undefined) o.authUrl = globals.osAuthUrl;
  if (globals.osUsername !== undefined) o.username = globals.osUsername;
  if (globals.osPassword !== undefined) o.password = globals.osPassword;
  if (globals.osProjectName !== undefined) o.projectName = globals.osProjectName;
  if (globals.osUserDomainName !== undefined) o.userDomainName = globals.osUserDomainName;
  if (globals.osProjectDomainName !== undefined) o.projectDomainName = globals.osProjectDomainName;
  if (globals.osCacert !== undefined) o.cacert = globals.osCacert;
  if (globals.insecure) o.insecure = true;
  if (globals.osRegionName !== undefined) o.region = globals.osRegionName;
  if (globals.osInterface !== undefined) o.interface = globals.osInterface;
  return o;
}
