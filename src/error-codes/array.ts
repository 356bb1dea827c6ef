import { error, usage } from './types.js';

/** The ElastiCenter array client (array/errors.ts ARRAY_ERROR_CODES maps its answers to these). */
export const ARRAY_CODES = {
  CCSNAP_ARRAY_AUTH: error(
    'The array refused the API key (errorcode 401).',
    "Check the array's api_key_file / api_key_env and that the key's account is enabled.",
  ),
  CCSNAP_ARRAY_PARAM: error(
    'The array rejected a parameter of a command (errorcode 431).',
    'Report it with --debug output: ccsnap sent something the array does not accept.',
  ),
  CCSNAP_ARRAY_UNKNOWN_COMMAND: error(
    'The array does not know an API command (errorcode 432): an older or different ElastiCenter.',
    'Check the ElastiCenter version against docs/elasticenter-choices.md.',
  ),
  CCSNAP_ARRAY_INTERNAL: error('The array answered with any other error (errorcode 530 and others).', 'Read the array text in the message; check the array.'),
  CCSNAP_ARRAY_BAD_RESPONSE: error(
    'The array answered with a non-JSON body or without the expected response key.',
    'Check that url points at the /client/api endpoint; --debug shows the answer.',
  ),
  CCSNAP_ARRAY_TIMEOUT: error(
    'The array did not answer within its timeout (a create was then checked by listing).',
    "Check the array's load; raise the array's timeout if it is merely slow.",
  ),
  CCSNAP_ARRAY_UNREACHABLE: error(
    'The array could not be reached (DNS, refused connection, network); the request was not sent.',
    'Check the url, the network and the array.',
  ),
  CCSNAP_ARRAY_CONNECTION_RESET: error(
    'The connection to the array was lost while a command was in flight; it may or may not have run.',
    'Run the command again; `ccsnap list` shows what exists.',
  ),
  CCSNAP_ARRAY_TLS: error(
    'TLS verification of the array failed, or its CA file is unreadable.',
    "Set the array's cacert to the CA that signed its certificate.",
  ),
  CCSNAP_ARRAY_HAS_CLONES: error(
    'A snapshot has clones, so the array cannot delete or roll past it; nothing was changed.',
    'Delete or promote the clones on the array first.',
  ),
  CCSNAP_ARRAY_SNAPSHOT_EXISTS: error('The array already has a snapshot of that name.', 'Run the command again (a new set gets a new name).'),
  CCSNAP_ARRAY_SNAPSHOT_NOT_FOUND: error(
    'The array has no snapshot (or dataset) of that name.',
    'Check with `ccsnap list`; someone may have deleted it on the array.',
  ),
  CCSNAP_ARRAY_CREATE_UNKNOWN: error(
    'A snapshot create got no answer and listing to check failed too: it may or may not exist.',
    'Run `ccsnap list` (and `ccsnap recover`) once the array answers again.',
  ),
  CCSNAP_ARRAY_BAD_NAME: usage('An array snapshot name is not 1-200 characters of A-Z, a-z, 0-9 and _.', 'Use a label of those characters.'),
  CCSNAP_ARRAY_FS_NOT_FOUND: error(
    'The array has no filesystem named after a volume (the volume id without hyphens).',
    'Check the volume_rule of the array: the volume may live on another backend.',
  ),
  CCSNAP_ARRAY_FS_AMBIGUOUS: error('More than one array filesystem is named after a volume.', 'Rename or remove the stray filesystem on the array.'),
} as const;
