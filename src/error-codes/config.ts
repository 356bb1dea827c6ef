import { error, warning } from './types.js';

/** Settings: the ccsnap config file, clouds.yaml / OS_* variables, the arrays and hypervisor sections. */
export const CONFIG_CODES = {
  CCSNAP_CONFIG_INVALID: error(
    'A settings file or value is unreadable or invalid (ccsnap config, clouds.yaml, a CA file, an auth_type).',
    'Fix the file or value the message names.',
  ),
  CCSNAP_CONFIG_NOT_FOUND: error(
    'The ccsnap config file named by --config / $CCSNAP_CONFIG does not exist.',
    'Fix the path, or drop the option to use the default search path.',
  ),
  CCSNAP_CONFIG_NO_CLOUD: error(
    'No cloud is configured (no --os-cloud, OS_CLOUD, OS_AUTH_URL or clouds.yaml); ccsnap never falls back to the sandbox on its own.',
    'Name the cloud (--os-cloud or OS_CLOUD, or the OS_* variables), or try ccsnap with --sandbox or `ccsnap tour`.',
  ),
  CCSNAP_CONFIG_NO_ARRAY: error(
    'No array (or not the named array) is configured for the selected cloud.',
    'Add the array under the cloud in the ccsnap config file (see `ccsnap sandbox serve` for an example).',
  ),
  CCSNAP_CONFIG_MISSING_AUTH: error(
    'No cloud is selected, or the selected cloud lacks credentials its auth_type needs.',
    'Use --os-cloud / OS_CLOUD, or set OS_AUTH_URL and the missing credentials.',
  ),
  CCSNAP_CONFIG_CLOUD_NOT_FOUND: error(
    'The named cloud is not in any clouds.yaml / secure.yaml that was read.',
    'Check the name against the clouds the message lists.',
  ),
  CCSNAP_ARRAY_CONFIG: error(
    'An `arrays:` entry is malformed (not a list or mapping, missing or repeated name, bad insecure or timeout).',
    'Fix the entry the message names.',
  ),
  CCSNAP_ARRAY_CONFIG_URL: error(
    "An array's url (or curl_config file) is missing, unreadable, invalid, not http(s), or carries credentials.",
    'Give one https:// url without user, password, query or fragment.',
  ),
  CCSNAP_ARRAY_CONFIG_KEY: error(
    "An array's API key source is missing, given twice, or inline in the config.",
    'Give exactly one of api_key_file, api_key_env, curl_key_file.',
  ),
  CCSNAP_ARRAY_CONFIG_KEY_ENV: error(
    'The environment variable named by api_key_env is not set or empty.',
    'Export the variable in the environment that runs ccsnap.',
  ),
  CCSNAP_ARRAY_CONFIG_KEY_FILE: error(
    'The API key file (or curl key file) is unreadable, empty, or has no apiKey= parameter.',
    'Fix the file or its permissions.',
  ),
  CCSNAP_ARRAY_CONFIG_CACERT: error("An array's cacert is not a path, unreadable, or holds no PEM certificate.", 'Point cacert at a readable PEM CA bundle.'),
  CCSNAP_ARRAY_CONFIG_VOLUME_RULE: error(
    'A volume_rule is malformed (it takes one of type_prefix, backend_host, types).',
    'Fix the volume_rule the message names.',
  ),
  CCSNAP_ARRAY_CONFIG_UNKNOWN_KEY: warning('An array entry has a setting ccsnap does not know; it is ignored.', 'Remove or correct the setting (a typo?).'),
  CCSNAP_ARRAY_CONFIG_INSECURE: warning(
    'TLS certificate verification is off for an array (insecure: true); a cacert beside it is ignored.',
    'Give the array a cacert and drop insecure.',
  ),
  CCSNAP_ARRAY_CONFIG_PLAINTEXT: warning("An array's url is plain http to a non-loopback host: the API key crosses the network unencrypted.", 'Use https://.'),
  CCSNAP_ARRAY_CONFIG_KEY_PERMS: warning('A key file is readable by group or others.', 'chmod 600 the file.'),
  CCSNAP_HV_CONFIG: error(
    'The hypervisor section of the ccsnap config is invalid (unknown key, bad uri template, duration or session).',
    'Fix the key the message names.',
  ),
  CCSNAP_POLICY_CONFIG: error(
    'A `policies:` entry of the ccsnap config is invalid (unknown key, bad cron expression or time zone, duration without a unit, count out of range, repeated name).',
    'Fix the field of the policy the message names.',
  ),
  CCSNAP_POLICY_NOT_FOUND: error('No snapshot policy of that name is configured for the selected cloud.', 'List the policies with `ccsnap policy list`.'),
} as const;
