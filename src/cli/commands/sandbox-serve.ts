import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { FaultRule } from '../../sandbox/faults.js';
import type { RunningSandbox } from '../../sandbox/index.js';
import { ccsnapConfigText, cloudsYamlText, sandboxEnv, SANDBOX_CLOUD_NAME } from '../sandbox-config.js';
import { parseFaultOption, parsePort } from '../sandbox-options.js';
import { defaultStatePath, removeServerInfo, writeServerInfo } from '../sandbox-paths.js';
import type { CommandSpec } from '../types.js';

export const command: CommandSpec = {
  name: 'sandbox serve',
  summary: 'Run the sandbox cloud (OpenStack, array, hypervisor) on 127.0.0.1',
  configure(cmd: Command) {
    cmd
      .option('--port <port>', 'port on 127.0.0.1 (0 = any free port)', parsePort, 0)
      .option('--state <file>', 'state file (default: $CCSNAP_SANDBOX_DIR/state.json); created with the demo inventory')
      .option('--data-dir <dir>', 'keep array volume images as files in this directory')
      .option('--fault <json>', 'fault rule as JSON (repeatable), e.g. \'{"service":"array","key":"createStorageSnapshot","errorCode":500}\'', parseFaultOption);
  },
  async run(ctx, _args, opts) {
    const statePath = resolve(typeof opts.state === 'string' ? opts.state : defaultStatePath(ctx.env));
    const { startSandbox } = await import('../../sandbox/index.js');
    const sandbox = await startSandbox({
      host: '127.0.0.1',
      port: typeof opts.port === 'number' ? opts.port : 0,
      statePath,
      ...(typeof opts.dataDir === 'string' ? { dataDir: resolve(opts.dataDir) } : {}),
      faults: (opts.fault as FaultRule[] | undefined) ?? [],
    });
    writeServerInfo({ url: sandbox.url, pid: process.pid, statePath });
    try {
      ctx.stdout.write(await describeSandbox(sandbox, statePath));
      ctx.log.info('sandbox ready', { url: sandbox.url });
      await untilAborted(ctx.signal);
    } finally {
      removeServerInfo(statePath, process.pid);
      await sandbox.close();
      ctx.log.info('sandbox stopped');
    }
    return { kind: 'none' };
  },
};

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
