/**
 * One entry of the error catalogue. `kind` is the exit status class: 'error' exits 1, 'usage' exits 2,
 * 'warning' is printed and never ends a command. `meaning` and `fix` are one line each (they feed docs/errors.md).
 */
export type ErrorKind = 'error' | 'usage' | 'warning';

export interface ErrorCodeInfo {
  readonly kind: ErrorKind;
  readonly meaning: string;
  readonly fix: string;
}

/** A titled part of the catalogue (one section of docs/errors.md). */
export interface ErrorCodeGroup {
  readonly title: string;
  /** A paragraph above the section's table. */
  readonly about?: string;
  readonly codes: Readonly<Record<`CCSNAP_${string}`, ErrorCodeInfo>>;
}

export const error = (meaning: string, fix: string) => ({ kind: 'error', meaning, fix }) as const;
export const usage = (meaning: string, fix: string) => ({ kind: 'usage', meaning, fix }) as const;
export const warning = (meaning: string, fix: string) => ({ kind: 'warning', meaning, fix }) as const;
