import type { GuestFilesystem } from './types.js';

/** "Froze 2 filesystem(s)" / "Thawed 0 filesystem(s)" -> 2 / 0; undefined when absent. */
export function parseFilesystemCount(stdout: string, verb: 'Froze' | 'Thawed'): number | undefined {
  const m = new RegExp(`^${verb} (\\d+) filesystem\\(s\\)`, 'm').exec(stdout);
  return m ? Number(m[1]) : undefined;
}

/**
 * Parses the `virsh domfsinfo` table. Columns are found from the header's offsets, so mount points with
 * blanks survive:
 *    Mountpoint   Name   Type   Target
 *   ------------------------------------
 *    /            vda1   ext4   vda
 */
export function parseFsInfo(stdout: string): GuestFilesystem[] {
  const lines = stdout.split('\n');
  const h = lines.findIndex((l) => /^\s*Mountpoint\s+Name\s+Type\s+Target\s*$/.test(l));
  if (h < 0) return [];
  const header = lines[h]!;
  const cols = ['Mountpoint', 'Name', 'Type', 'Target'].map((c) => header.indexOf(c));
  const rows: GuestFilesystem[] = [];
  for (const line of lines.slice(h + 1)) {
    if (/^-+$/.test(line.trim()) || line.trim() === '') continue;
    const cell = (i: number): string => line.slice(cols[i], i + 1 < cols.length ? cols[i + 1] : undefined).trim();
    rows.push({ mountpoint: cell(0), name: cell(1), type: cell(2), target: cell(3) });
  }
  return rows;
}

/** `qemu-agent-command` prints the agent's JSON reply, e.g. {"return":"frozen"}. */
export function parseAgentReply(stdout: string): unknown {
  const text = stdout.trim();
  const parsed = JSON.parse(text) as { return?: unknown };
  return parsed.return;
}

/** `virsh domstate` -> "running", "shut off", ... (the reason in parentheses is dropped). */
export function parseDomState(stdout: string): string {
  const line = stdout.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.replace(/\s*\(.*\)\s*$/, '').trim();
}
