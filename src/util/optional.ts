// Helpers for optional properties under `exactOptionalPropertyTypes`: an optional property is either absent
// or holds a value, never `undefined`.

/** `T` with every key whose value may be `undefined` made optional (and its value never `undefined`). */
export type WithoutUndefined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** A copy of `obj` without its `undefined`-valued keys. */
export function dropUndefined<T extends object>(obj: T): WithoutUndefined<T> {
  // A plain loop: the parsers call this for every item of a list (10^5 snapshots), where entries/fromEntries cost.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    const value = (obj as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out as WithoutUndefined<T>;
}

/** `{ signal }` when there is one, `{}` otherwise: to spread into the options of a call. */
export function pickSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}
