#!/usr/bin/env node
// Runs a shell command inside a realvm guest through qemu-ga's guest-exec and prints its output.
//   node scripts/realvm/guest-exec.mjs [-c URI] DOMAIN 'shell command'      (exit status = the command's)
//   node scripts/realvm/guest-exec.mjs [-c URI] --detach DOMAIN 'command'   (start in the background, do not wait;
//                                                                           works even if it stops the agent)
import { execFileSync } from 'node:child_process';

const args = process.argv.slice(2);
let uri = 'qemu:///system';
let detach = false;
while (args[0]?.startsWith('-')) {
  const a = args.shift();
  if (a === '-c') uri = args.shift();
  else if (a === '--detach') detach = true;
  else {
    console.error(`unknown option ${a}`);
    process.exit(2);
  }
}
const [domain, command] = args;
if (!domain || command === undefined) {
  console.error("usage: guest-exec.mjs [-c URI] [--detach] DOMAIN 'command'");
  process.exit(2);
}

const agent = (req) => JSON.parse(execFileSync('virsh', ['-c', uri, 'qemu-agent-command', domain, JSON.stringify(req)], { encoding: 'utf8' })).return;
const shArgs = detach ? ['-c', 'setsid sh -c "$0" </dev/null >/dev/null 2>&1 &', command] : ['-c', command];
const { pid } = agent({ execute: 'guest-exec', arguments: { path: '/bin/sh', arg: shArgs, 'capture-output': !detach } });
if (detach) process.exit(0);
const deadline = Date.now() + 60_000;
for (;;) {
  const st = agent({ execute: 'guest-exec-status', arguments: { pid } });
  if (st.exited) {
    if (st['out-data']) process.stdout.write(Buffer.from(st['out-data'], 'base64'));
    if (st['err-data']) process.stderr.write(Buffer.from(st['err-data'], 'base64'));
    process.exit(st.exitcode ?? (st.signal ? 128 + st.signal : 1));
  }
  if (Date.now() > deadline) {
    console.error('guest-exec: timed out');
    process.exit(124);
  }
  await new Promise((r) => setTimeout(r, 100));
}
