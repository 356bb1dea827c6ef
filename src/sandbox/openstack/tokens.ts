import { randomBytes } from 'node:crypto';
import type { SandboxContext } from '../context.js';

/** A token Keystone issued; kept in memory only (a restarted sandbox forgets its tokens). */
export interface IssuedToken {
  id: string;
  methods: string[];
  userId: string;
  /** Undefined for an unscoped token. */
  projectId: string | undefined;
  roles: string[];
  issuedAt: Date;
  expiresAt: Date;
  auditId: string;
  applicationCredentialId?: string;
}

const TOKEN_LIFETIME_MS = 24 * 3600_000;
const stores = new WeakMap<SandboxContext, Map<string, IssuedToken>>();

function storeOf(ctx: SandboxContext): Map<string, IssuedToken> {
  let store = stores.get(ctx);
  if (!store) {
    store = new Map();
    stores.set(ctx, store);
  }
  return store;
}

/** Issues a fernet-looking token ("gAAAAA..." and about 180 characters, like real Keystone's). */
export function issueToken(ctx: SandboxContext, fields: Omit<IssuedToken, 'id' | 'issuedAt' | 'expiresAt' | 'auditId'>): IssuedToken {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const token: IssuedToken = {
    ...fields,
    id: `gAAAAA${randomBytes(132).toString('base64url')}`,
    issuedAt: now,
    expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS),
    auditId: randomBytes(16).toString('base64url').slice(0, 22),
  };
  storeOf(ctx).set(token.id, token);
  return token;
}

/** The live token with this id, or undefined (unknown, expired, or no id given). */
export function findToken(ctx: SandboxContext, id: string | undefined): IssuedToken | undefined {
  if (!id) return undefined;
  const token = storeOf(ctx).get(id);
  if (!token) return undefined;
  if (token.expiresAt.getTime() <= Date.now()) {
    storeOf(ctx).delete(id);
    return undefined;
  }
  return token;
}

export function revokeToken(ctx: SandboxContext, id: string): boolean {
  return storeOf(ctx).delete(id);
}

/** Keystone's timestamp format: "2026-11-27T05:52:42.000000Z". */
export function keystoneTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}.000000Z`;
}
