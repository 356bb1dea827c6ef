/** Snapshot policies (issue 15): config, schedules, due occurrences, spread, instance matching, retention. Pure. */
export * from './types.js';
export { parsePolicies, POLICY_NAME_RE, type CreateDefaults } from './parse.js';
export { compileSchedule, validateTimezone, ScheduleError, type Schedule } from './schedule.js';
export { formatInstant, occurrenceId, occurrenceOf, parseOccurrenceId, type Occurrence } from './occurrence.js';
export { computeDue, windowOf, RUN_GRACE_MS, MAX_MISSED_LISTED, type DueInput, type DueOccurrence, type DueResult, type MissedOccurrence } from './due.js';
export { spreadOffsetMs, spreadStart } from './spread.js';
export { bucketKey, isoWeek, type BucketUnit } from './buckets.js';
export { matchesSelector, matchInstances, globToRegExp, type MatchableServer } from './match.js';
export {
  describeReason,
  planRetention,
  type KeepReason,
  type RetentionDecision,
  type RetentionInput,
  type RetentionRule,
  type RetentionSet,
  type RetentionSetState,
} from './retention.js';
export { retentionSetsFromCatalog } from './catalog-sets.js';
