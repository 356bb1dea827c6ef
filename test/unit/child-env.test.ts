import { afterEach, describe, expect, it } from 'vitest';
import { loadArrayConfigs } from '../../src/array/config.js';
import { childEnv, isSecretEnvName } from '../../src/util/child-env.js';

const added: string[] = [];
function setEnv(name: string, value: string): void {
  process.env[name] = value;
  added.push(name);
}
afterEach(() => {
  for (const name of added.splice(0)) delete process.env[name];
});

describe('childEnv: what child processes inherit', () => {
  it('drops the variable a configured array reads its key from, even with an innocent name', async () => {
    setEnv('EC_PLAIN', 'k-123');
    setEnv('KEEP_ME', 'yes');
    expect(childEnv().EC_PLAIN).toBe('k-123');
    await loadArrayConfigs([{ name: 'ec1', url: 'https://127.0.0.1/client/api', api_key_env: 'EC_PLAIN' }], { env: { EC_PLAIN: 'k-123' } });
    const env = childEnv();
    expect(env.EC_PLAIN).toBeUndefined();
    expect(env.KEEP_ME).toBe('yes');
    expect(env.PATH).toBe(process.env.PATH);
  });

  it('drops OpenStack and other secrets by name, keeps the rest, adds extra', () => {
    for (const name of [
      'OS_PASSWORD',
      'OS_TOKEN',
      'OS_AUTH_TOKEN',
      'OS_APPLICATION_CREDENTIAL_SECRET',
      'CCSNAP_ARRAY_API_KEY',
      'MY_SECRET',
      'DB_PASSWORD',
      'GH_TOKEN',
      'AWS_SECRET_ACCESS_KEY',
      'x_api_key',
    ]) {
      setEnv(name, 's3cret');
      expect(isSecretEnvName(name), name).toBe(true);
    }
    setEnv('OS_CLOUD', 'prod');
    setEnv('OS_USERNAME', 'admin');
    setEnv('LIBVIRT_DEFAULT_URI', 'qemu:///system');
    const env = childEnv({ CCSNAP_WATCHDOG: '1' });
    expect(Object.values(env)).not.toContain('s3cret');
    expect(env).toMatchObject({ OS_CLOUD: 'prod', OS_USERNAME: 'admin', LIBVIRT_DEFAULT_URI: 'qemu:///system', CCSNAP_WATCHDOG: '1' });
    for (const name of ['TOKENIZER', 'PASSWORD_HINT_FILE', 'SSH_AUTH_SOCK', 'HOME']) expect(isSecretEnvName(name), name).toBe(false);
  });
});
