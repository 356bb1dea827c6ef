import { resolveCloud, type CloudConfig } from '../../../../src/openstack/config.js';
import type { CcsnapError } from '../../../../src/errors.js';
import { PASSWORD } from './fake-openstack.js';

/** A password cloud for the fake OpenStack (via OS_* env, as a user would configure it). */
export function cloudFor(authUrl: string, extraEnv: Record<string, string> = {}): CloudConfig {
  return resolveCloud({
    env: {
      OS_AUTH_URL: authUrl,
      OS_USERNAME: 'admin',
      OS_PASSWORD: PASSWORD,
      OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_ID: 'default',
      ...extraEnv,
    },
    searchPath: [],
  });
}

export { rejectionOf } from '../../../helpers/rejection.js';

/** Fails if a secret appears anywhere in the error's message or details. */
export function assertNoSecrets(err: CcsnapError, secrets: string[]): void {
  const text = `${err.message} ${JSON.stringify(err.details)}`;
  for (const secret of secrets) {
    if (text.includes(secret)) throw new Error(`secret leaked in ${err.code}: ${err.message}`);
  }
}
