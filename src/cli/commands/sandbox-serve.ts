import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SANDBOX_CLOUD_NAME, sandboxEnv, startSandbox, type FaultRule, type RunningSandbox } from '../../sandbox-entry.js';
import { ccsnapConfigText, cloudsYamlText } from '../sandbox-config.js';
import { parseFaultOption, parsePort } from '../sandbox-options.js';
import { readLockHolder, waitForLock, type StateLock } from '../sandbox-lock.js';
import { defaultStatePath, readServerInfo, removeServerInfo, writeServerInfo } from '../sandbox-paths.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { CcsnapError } from '../../core.js';

export const command: CommandSpec = {
  name: 'sandbox serve',
  summary: 'Run the sandbox cloud (OpenStack, array, hypervisor) on 127.0.0.1',
  configure(cmd: Command) {
    cmd
      .option('--port <port>', 'port on 127.0.0.1 (0 = any free port)', parsePort, 0)
      .option('--state <file>', 'state file (default: $CCSNAP_SANDBOX_DIR/state.json); created with the demo inventory')
      .option('--data-dir <dir>', 'keep array volume images as files in this directory')
      .option(
        '--fault <json>',
        'fault rule as JSON (repeatable), e.g. \'{"service":"array","key":"createStorageSnapshot","errorCode":500}\'',
        parseFaultOption,
      );
  },
  async run(ctx, _args, opts) {
    const statePath = resolve(typeof opts.state === 'string' ? opts.state : defaultStatePath(ctx.env));
    const lock = await lockForServing(ctx, statePath);
    let sandbox: RunningSandbox;
    try {
      sandbox = await startSandbox({
        host: '127.0.0.1',
        port: typeof opts.port === 'number' ? opts.port : 0,
        statePath,
        ...(typeof opts.dataDir === 'string' ? { dataDir: resolve(opts.dataDir) } : {}),
        faults: (opts.fault as FaultRule[] | undefined) ?? [],
      });
    } catch (err) {
      lock.release();
      throw err;
    }
    writeServerInfo({ url: sandbox.url, pid: process.pid, statePath });
    try {
      ctx.stdout.write(await describeSandbox(sandbox, statePath));
      ctx.log.info('sandbox ready', { url: sandbox.url });
      await untilAborted(ctx.signal);
    } finally {
      removeServerInfo(statePath, process.pid);
      await sandbox.close();
      lock.release();
      ctx.log.info('sandbox stopped');
    }
    return { kind: 'none' };
  },
};

/**
 * Owns the state file while serving. Another `sandbox serve` on it is refused with its PID (two servers
 * would overwrite each other's state); an in-process command or a reset on it is waited for.
 */
async function lockForServing(ctx: CommandContext, statePath: string): Promise<StateLock> {
  const running = readServerInfo(statePath);
  const refuse = (pid: number, url?: string): CcsnapError =>
    new CcsnapError(
      'CCSNAP_SANDBOX_RUNNING',
      `another sandbox (pid ${pid}) already serves ${statePath}${url ? ` at ${url}` : ''}; stop it first, or pass another --state`,
      { details: { pid, statePath, ...(url ? { url } : {}) } },
    );
  if (running) throw refuse(running.pid, running.url);
  const got = await waitForLock(statePath, 'serve', {
    signal: ctx.signal,
    stop: () => {
      const holder = readLockHolder(statePath);
      return holder?.kind === 'serve' ? holder : undefined;
    },
    onWait: (h) => ctx.log.warn(`waiting for ${statePath}: a ccsnap ${h.kind} (pid ${h.pid}) is using it`),
  });
  if ('release' in got) return got;
  throw refuse(got.pid, readServerInfo(statePath)?.url);
}

async function describeSandbox(sandbox: RunningSandbox, statePath: string): Promise<string> {
  const url = sandbox.url;
  const projectId = sandbox.ctx.state.keystone.projects[0]?.id ?? '{project_id}';
  const endpoints: Array<[string, string]> = [
    ['identity', `${url}/identity/v3`],
    ['compute', `${url}/compute/v2.1`],
    ['volume', `${url}/volume/v3/${projectId}`],
    ['image', `${url}/image`],
    ['network', `${url}/network`],
    ['array', `${url}/client/api`],
    ['hypervisor', `${url}/hypervisor`],
    ['control', `${url}/_sandbox`],
  ];
  const env = Object.entries(sandboxEnv()).map(([k, v]) => `export ${k}=${v}`);
  return [
    `ccsnap sandbox listening on ${url}`,
    ...endpoints.map(([name, u]) => `  ${name.padEnd(10)} ${u}`),
    `  state      ${statePath}`,
    '',
    `# clouds.yaml entry (add to ~/.config/openstack/clouds.yaml, then use --os-cloud ${SANDBOX_CLOUD_NAME}):`,
    (await cloudsYamlText(url)).trimEnd(),
    '',
    '# ccsnap config (save as a file and pass --config FILE):',
    (await ccsnapConfigText(url)).trimEnd(),
    '',
    '# environment for the config above:',
    ...env,
    '',
    `Try: openstack --os-cloud ${SANDBOX_CLOUD_NAME} server list`,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
