import type { Owner } from './owners.js';
import type { Pool } from './pool.js';

/** What every statement module of the PostgreSQL backend works with: the pool and this journal's owner. */
export interface Db {
  pool: Pool;
  owner: Owner;
}

/** An instant the server returned (timestamptz) as the journal's records carry it: ISO 8601, UTC, milliseconds. */
export function isoOf(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

export function jsonOrNull(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

export function parseJson(text: string | null): unknown {
  return text ? (JSON.parse(text) as unknown) : null;
}

/** WHERE clauses with numbered parameters: `add('state = ANY(?)', states)` appends `$n`. */
export class Where {
  readonly clauses: string[] = [];
  readonly args: unknown[] = [];

  add(clause: string, value: unknown): this {
    this.args.push(value);
    this.clauses.push(clause.replace('?', `$${this.args.length}`));
    return this;
  }

  /** The next parameter's placeholder, for a value outside the WHERE (e.g. a LIMIT). */
  param(value: unknown): string {
    this.args.push(value);
    return `$${this.args.length}`;
  }

  toString(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}
