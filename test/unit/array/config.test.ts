import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArrayConfigs } from '../../../src/array/config.js';
import { rejectionOf } from '../../helpers/rejection.js';

/** The code of a rejection that keeps the key out of its message and details. */
const codeOfRejection = async (p: Promise<unknown>): Promise<string> => (await rejectionOf(p, { secrets: [KEY] })).code;

const KEY = 'gaxFrefF7h_-SUxVPODDYsvGxZwtn0jnMChUeElNcIcZzP1XNw8YGKhcvC';
let dir: string;

async function secretFile(name: string, text: string, mode = 0o600): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccsnap-array-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadArrayConfigs', () => {
  it('reads a key file with defaults (type_prefix cb-, 30 s) and no warnings when mode is 0600', async () => {
    const keyFile = await secretFile('ec1.key', `${KEY}\n`);
    const { arrays, warnings } = await loadArrayConfigs([{ name: 'ec1', url: 'https://20.10.43.1/client/api', api_key_file: keyFile }]);
    expect(warnings).toEqual([]);
    expect(arrays).toEqual([
      { name: 'ec1', url: 'https://20.10.43.1/client/api', apiKey: KEY, insecure: false, timeoutMs: 30_000, volumeRule: { typePrefix: 'cb-' } },
    ]);
  });

  it('fails with CCSNAP_ARRAY_CONFIG_KEY_FILE when the key file is missing', async () => {
    expect(await codeOfRejection(loadArrayConfigs([{ name: 'ec1', url: 'https://20.10.43.1/client/api', api_key_file: join(dir, 'nope.key') }]))).toBe(
      'CCSNAP_ARRAY_CONFIG_KEY_FILE',
    );
  });

  it('warns (without printing) when the key file is readable by group/other', async () => {
    const keyFile = await secretFile('open.key', KEY, 0o644);
    const { arrays, warnings } = await loadArrayConfigs([{ name: 'ec1', url: 'https://20.10.43.1/client/api', api_key_file: keyFile }]);
    expect(arrays[0]!.apiKey).toBe(KEY);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'CCSNAP_ARRAY_CONFIG_KEY_PERMS', array: 'ec1' });
    expect(warnings[0]!.message).toContain('0644');
    expect(warnings[0]!.message).not.toContain(KEY);
  });

  it('rejects bad URLs with CCSNAP_ARRAY_CONFIG_URL', async () => {
    const keyFile = await secretFile('k2.key', KEY);
    for (const url of ['not a url', 'ftp://20.10.43.1/client/api', `https://20.10.43.1/client/api?apiKey=${KEY}`, 'https://user:pw@20.10.43.1/client/api']) {
      expect(await codeOfRejection(loadArrayConfigs([{ name: 'ec1', url, api_key_file: keyFile }]))).toBe('CCSNAP_ARRAY_CONFIG_URL');
    }
  });

  it('appends /client/api to a bare host URL', async () => {
    const { arrays } = await loadArrayConfigs([{ name: 'ec1', url: 'https://20.10.43.1', api_key_env: 'EC1_API_KEY' }], { env: { EC1_API_KEY: KEY } });
    expect(arrays[0]!.url).toBe('https://20.10.43.1/client/api');
  });

  it('reads the key from api_key_env, and fails with CCSNAP_ARRAY_CONFIG_KEY_ENV when unset', async () => {
    const { arrays } = await loadArrayConfigs([{ name: 'ec1', url: 'https://20.10.43.1/client/api', api_key_env: 'EC1_API_KEY', timeout: '45s' }], {
      env: { EC1_API_KEY: ` ${KEY}\n` },
    });
    expect(arrays[0]).toMatchObject({ apiKey: KEY, timeoutMs: 45_000 });
    expect(await codeOfRejection(loadArrayConfigs([{ name: 'ec1', url: 'https://20.10.43.1/client/api', api_key_env: 'EC1_API_KEY' }], { env: {} }))).toBe(
      'CCSNAP_ARRAY_CONFIG_KEY_ENV',
    );
  });

  it('refuses inline keys and missing or doubled key sources', async () => {
    expect(await codeOfRejection(loadArrayConfigs([{ name: 'ec1', url: 'https://h/client/api', api_key: KEY }]))).toBe('CCSNAP_ARRAY_CONFIG_KEY');
    expect(await codeOfRejection(loadArrayConfigs([{ name: 'ec1', url: 'https://h/client/api' }]))).toBe('CCSNAP_ARRAY_CONFIG_KEY');
    expect(await codeOfRejection(loadArrayConfigs([{ name: 'ec1', url: 'https://h/client/api', api_key_env: 'A', api_key_file: '/x' }]))).toBe(
      'CCSNAP_ARRAY_CONFIG_KEY',
    );
  });

  it("accepts the seed's own curl files (ec<host> and eckey<host>)", async () => {
    const cfg = await secretFile('ec20.10.43.1', 'url=https://20.10.43.1/client/api\n', 0o644);
    const keyFile = await secretFile('eckey20.10.43.1', `apiKey=${KEY}&response=json\n`);
    const { arrays, warnings } = await loadArrayConfigs([{ name: 'legacy', curl_config: cfg, curl_key_file: keyFile }]);
    expect(warnings).toEqual([]);
    expect(arrays[0]).toMatchObject({ name: 'legacy', url: 'https://20.10.43.1/client/api', apiKey: KEY, insecure: false });
  });

  it('fails when a curl key file has no apiKey parameter', async () => {
    const cfg = await secretFile('ec-x', 'url = "https://20.10.43.1/client/api"\n');
    const keyFile = await secretFile('eckey-x', 'response=json\n');
    expect(await codeOfRejection(loadArrayConfigs([{ name: 'legacy', curl_config: cfg, curl_key_file: keyFile }]))).toBe('CCSNAP_ARRAY_CONFIG_KEY_FILE');
  });

  it('warns on insecure: true', async () => {
    const { arrays, warnings } = await loadArrayConfigs([{ name: 'ec1', url: 'https://20.10.43.1/client/api', api_key_env: 'K', insecure: true }], {
      env: { K: KEY },
    });
    expect(arrays[0]!.insecure).toBe(true);
    expect(warnings.map((w) => w.code)).toEqual(['CCSNAP_ARRAY_CONFIG_INSECURE']);
  });

  it('checks the CA file and the volume rule', async () => {
    const ca = await secretFile('ca.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 0o644);
    const { arrays } = await loadArrayConfigs(
      [{ name: 'ec1', url: 'https://h/client/api', api_key_env: 'K', cacert: ca, volume_rule: { backend_host: 'cinder@cloudbyte' } }],
      { env: { K: KEY } },
    );
    expect(arrays[0]).toMatchObject({ cacert: ca, volumeRule: { backendHost: 'cinder@cloudbyte' } });
    expect(
      await codeOfRejection(
        loadArrayConfigs([{ name: 'ec1', url: 'https://h/client/api', api_key_env: 'K', cacert: join(dir, 'none.pem') }], { env: { K: KEY } }),
      ),
    ).toBe('CCSNAP_ARRAY_CONFIG_CACERT');
    expect(
      await codeOfRejection(
        loadArrayConfigs([{ name: 'ec1', url: 'https://h/client/api', api_key_env: 'K', volume_rule: { colour: 'red' } }], { env: { K: KEY } }),
      ),
    ).toBe('CCSNAP_ARRAY_CONFIG_VOLUME_RULE');
  });

  it('rejects a bad timeout and duplicate names', async () => {
    expect(
      await codeOfRejection(loadArrayConfigs([{ name: 'ec1', url: 'https://h/client/api', api_key_env: 'K', timeout: 'soon' }], { env: { K: KEY } })),
    ).toBe('CCSNAP_ARRAY_CONFIG');
    const entry = { name: 'ec1', url: 'https://h/client/api', api_key_env: 'K' };
    expect(await codeOfRejection(loadArrayConfigs([entry, entry], { env: { K: KEY } }))).toBe('CCSNAP_ARRAY_CONFIG');
  });
});
