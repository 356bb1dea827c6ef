// Helpers for optional properties under `exactOptionalPropertyTypes`: an optional property is either absent
// or holds a value, never `undefined`.

/** `T` with every key whose value may be `undefined` made optional (and its value never `undefined`). */
export type WithoutUndefined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** A copy of `obj` without its `undefined`-valued keys. */
export function dropUndefined<T extends object>(obj: T): WithoutUndefined<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as WithoutUndefined<T>;
}

/** `{ signal }` when there is one, `{}` otherwise: to spread into the options of a call. */
export function pickSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}
