import { isIP } from 'node:net';
import { CcsnapError } from '../errors.js';

export const DEFAULT_LISTEN = '127.0.0.1:9464';

export interface ListenAddress {
  host: string;
  port: number;
}

/** Parses HOST:PORT ([v6]:PORT for IPv6); HOST is an IP address or `localhost`. */
export function parseListen(text: string): ListenAddress {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:[\]]+):(\d{1,5})$/.exec(text);
  const host = m?.[1];
  const port = Number(m?.[2]);
  if (!host || !(isIP(host) !== 0 || host === 'localhost') || !Number.isInteger(port) || port > 65535) {
    throw new CcsnapError('CCSNAP_DAEMON_LISTEN', `--listen ${JSON.stringify(text)} is not HOST:PORT with an IP address (or localhost) and a port 0-65535`, {
      details: { listen: text },
    });
  }
  return { host, port };
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 (also as ::ffff:127.x) and localhost. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host;
  return isIP(v4) === 4 && v4.startsWith('127.');
}
