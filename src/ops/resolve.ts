import { CcsnapError } from '../errors.js';
import type { InstanceSnapshots } from '../engine/catalog.js';

/** An empty or blank instance, set or snapshot reference is an error (it must never mean "all"). */
export function requireName(ref: string, what: string): void {
  if (ref.trim() === '') throw new CcsnapError('CCSNAP_EMPTY_NAME', `${what} must not be empty`, { details: { what }, exitCode: 2 });
}

/** Picks instances by id or exact name from an inventory; an ambiguous or unknown name is an error. */
export function pickInstance(all: InstanceSnapshots[], ref: string): InstanceSnapshots {
  requireName(ref, 'instance');
  const byId = all.find((i) => i.instance.id === ref);
  if (byId) return byId;
  const byName = all.filter((i) => i.instance.name === ref);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new CcsnapError('CCSNAP_INSTANCE_AMBIGUOUS', `more than one instance is named "${ref}": ${byName.map((i) => i.instance.id).join(', ')}; use the id`, {
      details: { candidates: byName.map((i) => i.instance.id) },
    });
  }
  throw new CcsnapError('CCSNAP_INSTANCE_NOT_FOUND', `no instance with id or name "${ref}"`, { details: { ref } });
}
