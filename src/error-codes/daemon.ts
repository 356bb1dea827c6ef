import { error, usage } from './types.js';

/** `ccsnap daemon`'s HTTP face (/metrics, /healthz, the JSON API, the status page). */
export const DAEMON_CODES = {
  CCSNAP_DAEMON_LISTEN: usage(
    'The address to listen on is not HOST:PORT (an IP address or localhost, and a port 0-65535).',
    'Give --listen as 127.0.0.1:9464, [::1]:9464 or 0.0.0.0:9464.',
  ),
  CCSNAP_DAEMON_TOKEN_REQUIRED: usage(
    'The daemon was asked to listen on an address other than loopback without a bearer-token file.',
    'Pass --token-file FILE (mode 0600, one token of at least 16 characters), or listen on 127.0.0.1.',
  ),
  CCSNAP_DAEMON_TOKEN_FILE: error(
    'The bearer-token file is missing, not a regular file, readable or writable by group or others, or holds no token of at least 16 characters.',
    'Write one token into the file and chmod 600 it.',
  ),
  CCSNAP_DAEMON_BIND: error(
    'The daemon could not listen on the address (in use, or not an address of this machine).',
    'Stop what uses the port or choose another --listen.',
  ),
  CCSNAP_DAEMON_UNAUTHORIZED: error(
    'An HTTP request to the daemon had no valid `Authorization: Bearer` token (every route but /healthz needs one when a token file is set).',
    "Send the token from the daemon's token file in the Authorization header.",
  ),
  CCSNAP_DAEMON_STOPPING: error(
    'The daemon is stopping (SIGTERM): it starts no new run.',
    'Trigger the run again once the daemon is back, or run "ccsnap policy run".',
  ),
  CCSNAP_DAEMON_NOT_FOUND: error('The daemon has no such route, or no policy of that name.', 'Check the URL; GET /api/v1/policies lists the policies.'),
} as const;
