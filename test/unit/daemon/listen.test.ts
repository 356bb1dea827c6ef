import { describe, expect, it } from 'vitest';
import { isLoopback, parseListen } from '../../../src/daemon/listen.js';

describe('parseListen', () => {
  it('reads HOST:PORT for IPv4, [IPv6]:PORT and localhost', () => {
    expect(parseListen('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListen('0.0.0.0:65535')).toEqual({ host: '0.0.0.0', port: 65535 });
    expect(parseListen('localhost:80')).toEqual({ host: 'localhost', port: 80 });
  });

  it.each([
    '9464',
    ':9464',
    '127.0.0.1',
    '127.0.0.1:',
    '127.0.0.1:65536',
    '127.0.0.1:-1',
    'example.com:80',
    '::1:9464',
    '[::1]',
    '127.0.0.1:9464 ',
    '127.0.0.1:1e3',
  ])('refuses %j with CCSNAP_DAEMON_LISTEN', (text) => {
    expect(() => parseListen(text)).toThrow(expect.objectContaining({ code: 'CCSNAP_DAEMON_LISTEN', exitCode: 2 }));
  });
});

describe('isLoopback', () => {
  it('knows 127.0.0.0/8, ::1, mapped 127.x and localhost', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', 'localhost']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.1', '128.0.0.1', '::ffff:10.0.0.1', 'example.com']) expect(isLoopback(h), h).toBe(false);
  });
});
