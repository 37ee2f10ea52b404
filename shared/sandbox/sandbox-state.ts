import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import { parseJsonOrUndefined } from '../wire/json.ts';
import { FaultSettings } from './faults.ts';

/**
 * A sandbox's changes kept in a JSON file, so that restarting the local runtime does not rewrite
 * a provider's history (every restart turning a paid invoice back into an open one). Only what
 * was changed is kept: the data itself is generated again from size and seed. Status changes are
 * kept in order with the time they were made, because a change depends on the record before it
 * (paying a pretendentas reservation issues its number) and on that time (`updated_at`); replayed
 * the same way, they give the same records.
 */

const StatusChange = z.strictObject({
  remoteId: z.string().min(1),
  status: z.string().min(1),
  /** When the change was made, in epoch milliseconds. */
  at: z.number().int(),
});
export type StatusChange = z.infer<typeof StatusChange>;

const StateFile = z.strictObject({
  version: z.literal(1),
  provider: z.string(),
  size: z.number().int(),
  seed: z.number().int(),
  changes: z.array(StatusChange),
  removed: z.array(z.string()),
  faults: FaultSettings,
});

export interface SandboxIdentity {
  provider: string;
  size: number;
  seed: number;
}

export interface SandboxChanges {
  changes: StatusChange[];
  removed: string[];
  faults: FaultSettings;
}

/** The changes kept for this sandbox, or null when the file is absent, unreadable or another sandbox's. */
export function loadSandboxState(file: string, identity: SandboxIdentity): SandboxChanges | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const parsed = StateFile.safeParse(parseJsonOrUndefined(text));
  if (!parsed.success) return null;
  const state = parsed.data;
  if (state.provider !== identity.provider || state.size !== identity.size || state.seed !== identity.seed)
    return null;
  return { changes: state.changes, removed: state.removed, faults: state.faults };
}

/**
 * Writes the state through a temporary file and a rename, so that a crash mid-write leaves the
 * previous state whole rather than half a file. Synchronous: changes come one HTTP call at a time,
 * and each must be on disk before the call is answered.
 */
export function saveSandboxState(file: string, identity: SandboxIdentity, changes: SandboxChanges): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const state: z.input<typeof StateFile> = { version: 1, ...identity, ...changes };
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, file);
}
