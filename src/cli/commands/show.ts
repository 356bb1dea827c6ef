import type { Command } from 'commander';
import type { CommandSpec } from '../types.js';
import { withRuntime } from './shared/with-runtime.js';

const SHOW_FIELDS = ['set_id', 'instance_id', 'instance_name', 'label', 'created', 'state', 'consistency', 'reason', 'frozen_ms', 'thawed_by', 'members', 'steps', 'operation_id'];

/** One snapshot set in full. */
export const command: CommandSpec = {
  name: 'show',
  summary: 'Show one snapshot set',
  output: 'show',
  columns: () => SHOW_FIELDS,
  configure(cmd: Command) {
    cmd.argument('<set>', 'snapshot set id');
  },
  async run(ctx, args) {
    const view = await withRuntime(ctx, { recover: true }, async (rt) => {
      const { showSet } = await import('../../ops/show.js');
      return showSet(rt, args[0]!, ctx.signal);
    });
    const s = view.set;
    return {
      kind: 'show',
      fields: {
        set_id: args[0],
        instance_id: view.instanceId,
        instance_name: view.instanceName,
        label: s?.label ?? null,
        created: s?.createdAt ?? null,
        state: s?.state ?? 'not-in-journal',
        consistency: s?.consistency ?? null,
        reason: s?.reason ?? null,
        frozen_ms: s?.frozenMs ?? null,
        thawed_by: s?.thawedBy ?? null,
        members: view.members.map((m) => ({ volume_id: m.volumeId, array: m.arrayName, filesystem_id: m.fsId, snapshot: m.snapshotName, path: m.path, journal: m.journalState, on_array: m.onArray })),
        steps: (s?.steps ?? []).map((st) => ({ step: st.name, status: st.status, ms: st.durationMs })),
        operation_id: s?.opId ?? null,
      },
    };
  },
};
