import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchText } from '../../src/array/fetch-text.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let origin: string;
let agent: Agent;
let handle: Handler = (_req, res) => res.end();

beforeAll(async () => {
  server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  agent = new Agent({ keepAliveTimeout: 1000 });
});
afterAll(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const get = (path: string, signal = new AbortController().signal) =>
  fetchText(agent, { origin, path, method: 'GET', headers: { accept: 'application/json' } }, signal);

describe('fetchText: a whole answer as text, without a body stream', () => {
  it('gives the status, the headers and the body of a chunked answer, byte order mark dropped', async () => {
    handle = (req, res) => {
      res.writeHead(431, { 'content-type': 'application/json', 'x-description': 'missing id', 'x-path': req.url ?? '' });
      res.write(Buffer.from([0xef, 0xbb, 0xbf]));
      res.write('{"a":');
      res.end('"é"}');
    };
    const answer = await get('/client/api?command=x&id=1');
    expect(answer.status).toBe(431);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['x-description']).toBe('missing id');
    expect(answer.headers['x-path']).toBe('/client/api?command=x&id=1');
    expect(answer.text).toBe('{"a":"é"}');
  });

  it('gives an empty body as empty text', async () => {
    handle = (_req, res) => res.writeHead(204).end();
    expect(await get('/')).toMatchObject({ status: 204, text: '' });
  });

  it('rejects with the reason of a signal aborted before it starts, and sends nothing', async () => {
    let served = 0;
    handle = (_req, res) => {
      served++;
      res.end('{}');
    };
    const ac = new AbortController();
    const reason = new DOMException('deadline passed', 'TimeoutError');
    ac.abort(reason);
    await expect(get('/', ac.signal)).rejects.toBe(reason);
    // The same agent still answers, and the aborted request never reached the server.
    expect((await get('/')).text).toBe('{}');
    expect(served).toBe(1);
  });

  it('rejects with the reason of a signal aborted in the middle of the body, and closes that connection', async () => {
    let firstChunkSent!: () => void;
    const firstChunk = new Promise<void>((resolve) => (firstChunkSent = resolve));
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    handle = (req, res) => {
      req.socket.once('close', closed);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"snapshot": [', () => firstChunkSent());
    };
    const ac = new AbortController();
    const answer = get('/', ac.signal);
    await firstChunk;
    const reason = new Error('the consumer stopped');
    ac.abort(reason);
    await expect(answer).rejects.toBe(reason);
    await connectionClosed;
  });

  it('rejects with the connection error when nothing listens', async () => {
    const closedServer = createServer();
    await new Promise<void>((resolve) => closedServer.listen(0, '127.0.0.1', resolve));
    const port = (closedServer.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closedServer.close(() => resolve()));
    const err = await fetchText(agent, { origin: `http://127.0.0.1:${port}`, path: '/', method: 'GET', headers: {} }, new AbortController().signal).catch(
      (e: unknown) => e,
    );
    expect((err as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });
});
