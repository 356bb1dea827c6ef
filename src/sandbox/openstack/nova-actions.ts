import type { SandboxContext } from '../context.js';
import type { SandboxInstanceAction, SandboxServer } from '../state.js';
import { stableUuid } from '../ids.js';
import { dbStamp } from './http.js';
import { atLeast, type Microversion } from './microversion.js';

/** The compute event Nova records for each API action. */
const EVENTS: Record<string, string> = { create: 'compute__do_build_and_run_instance', stop: 'compute_stop_instance', start: 'compute_start_instance' };

/** Records an accepted action (the API's request id); its event finishes with finishInstanceAction. */
export function recordInstanceAction(
  ctx: SandboxContext,
  server: SandboxServer,
  action: string,
  requestId: string,
  who: { userId: string; projectId: string },
): void {
  const now = dbStamp();
  const record: SandboxInstanceAction = {
    action,
    serverId: server.id,
    requestId,
    userId: who.userId,
    projectId: who.projectId,
    startTime: now,
    updatedAt: now,
    event: { name: EVENTS[action] ?? `compute_${action}_instance`, host: server.host, startTime: now, finishTime: null, result: null },
  };
  (ctx.state.nova.instanceActions ??= []).push(record);
}

/** Marks the newest unfinished `action` of a server done, as nova-compute does when the operation ends. */
export function finishInstanceAction(ctx: SandboxContext, serverId: string, action: string, result: 'Success' | 'Error'): void {
  const open = (ctx.state.nova.instanceActions ?? []).filter((a) => a.serverId === serverId && a.action === action && a.event.finishTime === null).at(-1);
  if (!open) return;
  const now = dbStamp();
  open.event.finishTime = now;
  open.event.result = result;
  open.updatedAt = now;
}

/** A server's actions, newest first: its "create" (from its creation time) and every recorded one. */
export function instanceActions(ctx: SandboxContext, server: SandboxServer): SandboxInstanceAction[] {
  const created = server.created;
  const create: SandboxInstanceAction = {
    action: 'create',
    serverId: server.id,
    requestId: `req-${stableUuid(`create:${server.id}`)}`,
    userId: server.userId,
    projectId: server.tenantId,
    startTime: created,
    updatedAt: created,
    event: { name: EVENTS.create!, host: server.host, startTime: created, finishTime: created, result: 'Success' },
  };
  const recorded = (ctx.state.nova.instanceActions ?? []).filter((a) => a.serverId === server.id);
  return [create, ...recorded].reverse();
}

/** One action as Nova lists it at microversion `v` (updated_at from 2.58). */
export function actionView(a: SandboxInstanceAction, v: Microversion): Record<string, unknown> {
  const body: Record<string, unknown> = {
    action: a.action,
    instance_uuid: a.serverId,
    message: a.event.result === 'Error' ? 'Error' : null,
    project_id: a.projectId,
    request_id: a.requestId,
    start_time: a.startTime,
    user_id: a.userId,
  };
  if (atLeast(v, '2.58')) body.updated_at = a.updatedAt;
  return body;
}

/** One action with its events (events for non-admins from 2.51; host/hostId from 2.62; details from 2.84). */
export function actionDetailView(a: SandboxInstanceAction, v: Microversion, admin: boolean): Record<string, unknown> {
  const body = actionView(a, v);
  if (!admin && !atLeast(v, '2.51')) return body;
  const event: Record<string, unknown> = { event: a.event.name, start_time: a.event.startTime, finish_time: a.event.finishTime, result: a.event.result };
  if (admin) event.traceback = null;
  if (atLeast(v, '2.62')) {
    if (admin) event.host = a.event.host;
    event.hostId = stableUuid(`${a.projectId}:${a.event.host}`).replace(/-/g, '');
  }
  if (atLeast(v, '2.84')) event.details = null;
  return { ...body, events: [event] };
}
