#!/usr/bin/env node
// sandbox-virsh: a virsh-compatible front end for the ccsnap sandbox's hypervisor emulator.
//
//   sandbox-virsh -c sandbox+http://127.0.0.1:PORT/<compute-host> COMMAND [ARGS...]   one-shot
//   sandbox-virsh -c sandbox+http://127.0.0.1:PORT/<compute-host>                     interactive (stdin)
//
// It prints virsh 9.0's texts (stdout "Froze N filesystem(s)", stderr "error: ..." lines, exit status 1 on
// error). In interactive mode it behaves like virsh reading a pipe: a "virsh # " prompt, the input line echoed,
// then the output; `echo [--err] ...` and `quit` are handled locally. Plain ESM, node built-ins only (fast start).
// Only loopback sandboxes are accepted.
import http from 'node:http';
import { createInterface } from 'node:readline';

const BANNER = "Welcome to virsh, the virtualization interactive terminal.\n\nType:  'help' for help with commands\n       'quit' to quit\n\n";
const PROMPT = 'virsh # ';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function parseCli(argv) {
  const o = { uri: process.env.LIBVIRT_DEFAULT_URI, quiet: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-c' || a === '--connect') o.uri = argv[++i];
    else if (a.startsWith('--connect=')) o.uri = a.slice(10);
    else if (a === '-q' || a === '--quiet') o.quiet = true;
    else if (a === '-r' || a === '--readonly') continue;
    else if (a === '-v' || a === '--version') o.version = true;
    else if (a.startsWith('-') && o.rest.length === 0) return { error: `unsupported option '${a}'` };
    else {
      o.rest = argv.slice(i);
      break;
    }
  }
  return o;
}

/** sandbox+http://127.0.0.1:PORT/<host> -> { base, host } or an error text. */
function parseUri(uri) {
  const m = /^sandbox\+(http:\/\/([^/]+))\/([^/?#]*)$/.exec(uri ?? '');
  if (!m) return { error: `no connection driver available for ${uri ?? '(no URI)'}` };
  let hostname;
  try {
    hostname = new URL(m[1]).hostname;
  } catch {
    return { error: `invalid URI ${uri}` };
  }
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) return { error: `sandbox-virsh: only loopback sandboxes are allowed, not ${hostname}` };
  return { base: m[1], host: decodeURIComponent(m[3]) };
}

/** virsh's vshCommandStringGetArg: blanks and ';' split, '...' literal, "..." and \ escapes, # comment. */
function parseLine(line) {
  const cmds = [];
  let cur = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === ';' || c === '\n') {
      if (cur.length) cmds.push(cur);
      cur = [];
      i++;
      continue;
    }
    if (c === '#') break;
    let tok = '';
    let sq = false;
    let dq = false;
    while (i < line.length) {
      const ch = line[i];
      if (!sq && !dq && (ch === ' ' || ch === '\t' || ch === ';' || ch === '\n')) break;
      if (!dq && ch === "'") {
        sq = !sq;
        i++;
        continue;
      }
      if (!sq && ch === '\\') {
        i++;
        if (i >= line.length) throw new Error('dangling \\');
        tok += line[i++];
        continue;
      }
      if (!sq && ch === '"') {
        dq = !dq;
        i++;
        continue;
      }
      tok += ch;
      i++;
    }
    if (sq || dq) throw new Error('missing "');
    cur.push(tok);
  }
  if (cur.length) cmds.push(cur);
  return cmds;
}

function request(method, url, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      url,
      { method, agent, headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {} },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

function connectError(conn, err) {
  return `error: failed to connect to the hypervisor\nerror: Failed to connect socket to '${conn.base}': ${err.code === 'ECONNREFUSED' ? 'Connection refused' : err.message}\n`;
}

/** Runs one command; returns { stdout, stderr, exitCode }. */
async function runCommand(conn, argv, state) {
  const [cmd, ...args] = argv;
  if (cmd === 'echo') {
    const err = args.includes('--err');
    const text = args.filter((a) => !['--err', '--shell', '--xml', '--split'].includes(a)).join(' ');
    return err ? { stdout: '', stderr: `error: ${text}\n`, exitCode: 0 } : { stdout: `${text}\n`, stderr: '', exitCode: 0 };
  }
  if (cmd === 'quit' || cmd === 'exit') {
    state.quit = true;
    return { stdout: '', stderr: '', exitCode: 0 };
  }
  if (cmd === 'uri') return { stdout: `${state.uri}\n\n`, stderr: '', exitCode: 0 };
  try {
    const url = `${conn.base}/hypervisor/${encodeURIComponent(conn.host)}/virsh/${encodeURIComponent(cmd)}`;
    const res = await request('POST', url, { args });
    if (res.status !== 200) return { stdout: '', stderr: `error: internal error: sandbox answered HTTP ${res.status}\n`, exitCode: 1 };
    return JSON.parse(res.text);
  } catch (err) {
    return { stdout: '', stderr: `error: Cannot recv data: ${err.message}\n`, exitCode: 1, ...(state.oneshot ? { stderr: connectError(conn, err) } : {}) };
  }
}

async function interactive(conn, opts) {
  try {
    const res = await request('GET', `${conn.base}/hypervisor/_ping`);
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  } catch (err) {
    process.stderr.write(connectError(conn, err));
    return 1;
  }
  const state = { uri: opts.uri, quit: false, oneshot: false };
  if (!opts.quiet) process.stdout.write(BANNER);
  process.stdout.write(PROMPT);
  const rl = createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  for await (const line of rl) {
    process.stdout.write(`${line}\n`);
    let cmds;
    try {
      cmds = parseLine(line);
    } catch (e) {
      process.stderr.write(`error: ${e.message}\n`);
      cmds = [];
    }
    for (const argv of cmds) {
      const r = await runCommand(conn, argv, state);
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      if (r.exitCode !== 0) break;
    }
    if (state.quit) break;
    process.stdout.write(PROMPT);
  }
  if (!state.quit) process.stdout.write('\n');
  rl.close();
  return 0;
}

async function main() {
  const opts = parseCli(process.argv.slice(2));
  if (opts.error) {
    process.stderr.write(`error: ${opts.error}\n`);
    return 1;
  }
  if (opts.version) {
    process.stdout.write('9.0.0 (sandbox)\n');
    return 0;
  }
  const conn = parseUri(opts.uri);
  if (conn.error) {
    process.stderr.write(`error: failed to connect to the hypervisor\nerror: ${conn.error}\n`);
    return 1;
  }
  if (opts.rest.length === 0) return interactive(conn, opts);
  let cmds;
  try {
    cmds = opts.rest.length === 1 ? parseLine(opts.rest[0]) : [opts.rest];
  } catch (e) {
    process.stderr.write(`error: ${e.message}\n`);
    return 1;
  }
  const state = { uri: opts.uri, quit: false, oneshot: true };
  let rc = 0;
  for (const argv of cmds) {
    const r = await runCommand(conn, argv, state);
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    rc = r.exitCode;
    if (rc !== 0 || state.quit) break;
  }
  return rc;
}

main().then(
  (rc) => {
    agent.destroy();
    process.exitCode = rc;
  },
  (err) => {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = 1;
  },
);
