import type { SandboxRequest, SandboxResponse } from '../router.js';
import type { SandboxContext } from '../context.js';
import type { FaultRule } from '../fault-rule.js';
import { cloneDatasetSnapshot, deleteFileSystem, listAccount, listFileSystem, listTsm } from './filesystems.js';
import { queryAsyncJobResult } from './jobs.js';
import { createStorageSnapshot, deleteSnapshot, listStorageSnapshots, rollbackToSnapshot } from './snapshots.js';
import { ArrayFault, AUTH_TEXT, errorResponse, Params, SANDBOX_RESPONSE_KEYS, successResponse, UNKNOWN_COMMAND_KEY, UNKNOWN_COMMAND_TEXT } from './protocol.js';

type CommandHandler = (ctx: SandboxContext, p: Params) => unknown;

const COMMANDS: Readonly<Record<string, CommandHandler>> = {
  listFileSystem,
  createStorageSnapshot,
  listStorageSnapshots,
  deleteSnapshot,
  rollbackToSnapshot,
  cloneDatasetSnapshot,
  queryAsyncJobResult,
  deleteFileSystem,
  listTsm,
  listAccount,
};

export type ArrayResponse = SandboxResponse & { command?: string };

/**
 * GET /client/api: API key check (401), exact command dispatch (432 otherwise), fault injection, then the
 * command. `latencyMs` alone delays the *answer* after the command ran (a slow array that did the work);
 * with `errorCode`/`nonJson` it delays the error; `hang` never answers and does not run the command.
 */
export async function handleArrayRequest(ctx: SandboxContext, req: SandboxRequest): Promise<ArrayResponse> {
  const p = new Params(req.query);
  const command = p.get('command') ?? '';
  const json = p.get('response')?.toLowerCase() === 'json';
  const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  const key = handler ? SANDBOX_RESPONSE_KEYS[command]! : UNKNOWN_COMMAND_KEY;
  const tag = (r: SandboxResponse): ArrayResponse => (command ? { ...r, command } : r);
  labelTranscriptEntry(ctx, req, command, p.get('id'));
  const apiKey = ctx.state.array.apiKey;
  if (!apiKey || p.get('apiKey') !== apiKey) return tag(errorResponse(key, 401, AUTH_TEXT, json));
  if (!handler) return tag(errorResponse(key, 432, UNKNOWN_COMMAND_TEXT, json));
  const fault = ctx.faults.take('array', command, p.get('id'));
  if (fault?.hang) return new Promise<ArrayResponse>(() => undefined);
  if (fault && (fault.errorCode !== undefined || fault.nonJson !== undefined)) {
    await delay(fault.latencyMs);
    return tag(faultAnswer(fault, key, json));
  }
  let response: SandboxResponse;
  try {
    response = successResponse(key, await handler(ctx, p), json);
  } catch (err) {
    if (!(err instanceof ArrayFault)) throw err;
    response = errorResponse(key, err.code, err.text, json);
  }
  await delay(fault?.latencyMs);
  return tag(response);
}

/**
 * The server begins the transcript entry synchronously right before calling the handler, so the newest
 * entry is this request's. Labelling it now keeps the command visible even when the answer hangs.
 */
function labelTranscriptEntry(ctx: SandboxContext, req: SandboxRequest, command: string, fsId: string | undefined): void {
  const entry = ctx.transcript.latest();
  if (!entry || entry.path !== req.path || entry.status !== undefined) return;
  if (command) entry.command = command;
  if (fsId) entry.info = { ...entry.info, id: fsId };
}

function faultAnswer(fault: FaultRule, key: string, json: boolean): SandboxResponse {
  if (fault.errorCode !== undefined) return errorResponse(key, fault.errorCode, fault.errorText ?? 'Internal error executing command', json);
  return { status: 200, headers: { 'Content-Type': 'text/html' }, body: fault.nonJson ?? '' };
}

function delay(ms: number | undefined): Promise<void> {
  return ms && ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms).unref()) : Promise.resolve();
}
