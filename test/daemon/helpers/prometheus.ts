import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../../../src/util/abort.js';
import { startDeadline } from '../../../src/util/deadline.js';

export interface RunningPrometheus {
  url: string;
  /** Everything Prometheus wrote to stderr (its log), for a failing test's message. */
  log(): string;
  /** Resolves when the scrape target `instance` (HOST:PORT) reports health "up". */
  waitForTargetUp(instance: string, signal: AbortSignal): Promise<void>;
  /** An instant PromQL query through the HTTP API. */
  query(promql: string, signal?: AbortSignal): Promise<PromSample[]>;
  /** Polls `query` until `done(samples)` holds (each answer is a new evaluation, not a fixed wait). */
  queryUntil(promql: string, done: (samples: PromSample[]) => boolean, signal: AbortSignal): Promise<PromSample[]>;
  stop(): Promise<void>;
}

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** Debian's `prometheus`, on a free loopback port with its own temp config and TSDB, scraping `target` every second. */
export async function startPrometheus(target: string, signal: AbortSignal): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'ccsnap-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  await writeFile(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: ccsnap',
      '    metrics_path: /metrics',
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=info',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir },
  );
  let log = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      log += chunk;
      if (log.includes('Server is ready to receive web requests.')) resolve();
    });
    child.once('exit', (code, sig) => reject(new Error(`prometheus exited (${code ?? sig}) before it was ready:\n${log.slice(-2000)}`)));
    signal.addEventListener('abort', () => reject(new Error(`prometheus not ready in time:\n${log.slice(-2000)}`)), { once: true });
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await ready;
  } catch (err) {
    await stop();
    throw err;
  }
  const query = async (promql: string, s?: AbortSignal): Promise<PromSample[]> => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`, s ? { signal: s } : {});
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    if (body.status !== 'success') throw new Error(`PromQL ${promql}: ${body.error ?? res.status}`);
    return body.data!.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  };
  return {
    url,
    log: () => log,
    query,
    async waitForTargetUp(instance, s) {
      await pollUntil(
        async () => {
          const res = await fetch(`${url}/api/v1/targets?state=active`, { signal: s });
          const body = (await res.json()) as { data: { activeTargets: Array<{ labels: Record<string, string>; health: string }> } };
          return body.data.activeTargets.some((t) => t.labels.instance === instance && t.health === 'up');
        },
        s,
        () => `target ${instance} never became up; prometheus log:\n${log.slice(-2000)}`,
      );
    },
    async queryUntil(promql, done, s) {
      let last: PromSample[] = [];
      await pollUntil(
        async () => done((last = await query(promql, s))),
        s,
        () => `${promql} never gave the expected answer; last: ${JSON.stringify(last)}`,
      );
      return last;
    },
    stop,
  };
}

/** Asks again every 250 ms until `check` holds; the caller's signal bounds it (and says what never happened). */
async function pollUntil(check: () => Promise<boolean>, signal: AbortSignal, what: () => string): Promise<void> {
  for (;;) {
    if (signal.aborted) throw new Error(what());
    try {
      if (await check()) return;
    } catch (err) {
      if (signal.aborted) throw new Error(what(), { cause: err });
    }
    await sleep(250, signal).catch(() => undefined);
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const deadline = startDeadline(30_000, undefined, 'prometheus shutdown');
  try {
    await Promise.race([exited, new Promise<void>((resolve) => deadline.signal.addEventListener('abort', () => resolve(), { once: true }))]);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  } finally {
    deadline.clear();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
