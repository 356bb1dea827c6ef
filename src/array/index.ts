/** ElastiCenter (CloudByte) client, filesystem mapping, config and volume rules. */
export { createElastiCenterClient, DEFAULT_ARRAY_TIMEOUT_MS } from './client.js';
export { resolveFilesystems, ambiguousError, notFoundError, type ResolveOptions, type FilesystemCandidate } from './mapping.js';
export { loadArrayConfigs, type ArrayConfig, type ArrayConfigWarning, type LoadArrayConfigOptions } from './config.js';
export { matchesVolume, parseVolumeRule, DEFAULT_VOLUME_RULE, type VolumeRule, type VolumeFacts } from './volume-rule.js';
export { ARRAY_ERROR_CODES, newerPathsFrom } from './errors.js';
export { assertSnapshotName, isValidSnapshotName, filesystemNameFor } from './names.js';
export { RESPONSE_KEYS, responseKeyOf, apiCommandLabel } from './response-keys.js';
export type * from './types.js';
