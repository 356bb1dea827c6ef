import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { sandboxVirshPath } from '../../src/sandbox/hypervisor/index.js';

const run = promisify(execFile);

async function virsh(args: string[], input?: string): Promise<{ stdout: string; stderr: string; code: number }> {
  const p = run(sandboxVirshPath(), args, { encoding: 'utf8' });
  if (input !== undefined) p.child.stdin?.end(input);
  try {
    const { stdout, stderr } = await p;
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('bin/sandbox-virsh.js prints real virsh texts', () => {
  let sandbox: RunningSandbox;
  let uri: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    uri = `sandbox+${sandbox.url}/compute-1`;
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('one-shot freeze / thaw / errors / exit codes', async () => {
    expect(await virsh(['-c', uri, 'domfsfreeze', 'instance-00000001'])).toEqual({ stdout: 'Froze 2 filesystem(s)\n\n', stderr: '', code: 0 });
    expect(await virsh(['-c', uri, 'domfsfreeze', 'instance-00000001'])).toEqual({
      stdout: '',
      stderr:
        "error: Unable to freeze filesystems\nerror: internal error: unable to execute QEMU agent command 'guest-fsfreeze-freeze': Command guest-fsfreeze-freeze has been disabled: the agent is in frozen state\n",
      code: 1,
    });
    expect((await virsh(['-c', uri, 'qemu-agent-command', 'instance-00000001', '{"execute":"guest-fsfreeze-status"}'])).stdout).toBe('{"return":"frozen"}\n\n');
    expect(await virsh(['-c', uri, 'domfsthaw', '--domain', 'instance-00000001'])).toEqual({ stdout: 'Thawed 2 filesystem(s)\n\n', stderr: '', code: 0 });
    expect((await virsh(['-c', uri, 'domfsthaw', 'instance-00000001', '--mountpoint', '/'])).stderr).toBe(
      'error: Unable to thaw filesystems\nerror: argument unsupported: specifying mountpoints is not supported\n',
    );
    expect(await virsh(['-c', uri, 'domfsfreeze', 'instance-00000006'])).toMatchObject({
      stderr: 'error: Unable to freeze filesystems\nerror: Requested operation is not valid: domain is not running\n',
      code: 1,
    });
    expect(await virsh(['-c', uri, 'domstate', 'nosuch'])).toMatchObject({ stderr: "error: failed to get domain 'nosuch'\n", code: 1 });
    expect(await virsh(['-c', uri, 'frobnicate', 'x'])).toMatchObject({ stderr: "error: unknown command: 'frobnicate'\n", code: 1 });
    expect(await virsh(['-c', uri, 'domfsfreeze', 'x', '--bogus'])).toMatchObject({
      stderr: "error: command 'domfsfreeze' doesn't support option --bogus\n",
      code: 1,
    });
    expect(await virsh(['-c', uri, 'domstate', '--reason', 'instance-00000006'])).toMatchObject({ stdout: 'shut off (shutdown)\n\n', code: 0 });
    expect((await virsh(['-c', uri, 'domfsinfo', 'instance-00000001'])).stdout).toBe(
      ' Mountpoint   Name   Type   Target\n------------------------------------\n /            vda1   ext4   vda\n /data1       vdb1   ext4   vdb\n\n',
    );
    expect((await virsh(['-c', uri, 'list', '--all'])).stdout).toContain(' -    instance-00000006   shut off');
  });

  it('interactive mode: prompt, echoed input, local echo, quit', async () => {
    const r = await virsh(['-c', uri], "domstate 'instance-00000001'\necho --err done\necho hi; domstate nosuch\n");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "Welcome to virsh, the virtualization interactive terminal.\n\nType:  'help' for help with commands\n       'quit' to quit\n\n" +
        "virsh # domstate 'instance-00000001'\nrunning\n\nvirsh # echo --err done\nvirsh # echo hi; domstate nosuch\nhi\nvirsh # \n",
    );
    expect(r.stderr).toBe("error: done\nerror: failed to get domain 'nosuch'\n");
  });

  it('refuses non-loopback and malformed URIs like a failed connection', async () => {
    expect(await virsh(['-c', 'sandbox+http://10.1.2.3:80/h', 'domstate', 'x'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('error: failed to connect to the hypervisor'),
    });
    expect(await virsh(['-c', 'qemu:///system', 'domstate', 'x'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no connection driver available'),
    });
    expect(await virsh(['-c', `sandbox+http://127.0.0.1:1/h`])).toMatchObject({ code: 1, stderr: expect.stringContaining('Connection refused') });
  });
});
