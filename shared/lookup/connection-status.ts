import type { ConnectionSnapshotStatus } from '../api/responses.ts';
import type { Principal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { ConnectionDirectory } from '../connections/connection-directory.ts';
import type { RunStateStore } from '../snapshot/run-state.ts';
import { providerFor } from './access.ts';

/** A connection's snapshot health, from its run state (one read). */
export class ConnectionStatusService {
  readonly #connections: ConnectionDirectory;
  readonly #runs: RunStateStore;
  readonly #clock: Clock;

  constructor(dependencies: { connections: ConnectionDirectory; runs: RunStateStore; clock: Clock }) {
    this.#connections = dependencies.connections;
    this.#runs = dependencies.runs;
    this.#clock = dependencies.clock;
  }

  async status(principal: Principal, connectionId: string): Promise<ConnectionSnapshotStatus> {
    const provider = providerFor(this.#connections, principal, connectionId);
    const now = this.#clock();
    const run = await this.#runs.status(connectionId, now);
    return {
      connection: connectionId,
      provider: provider.id,
      running: run.running,
      lastRun: run.lastRun,
      lastCompletedAt: run.lastCompletedAt,
      lagSeconds:
        run.lastCompletedAt === null
          ? null
          : Math.max(0, Math.floor((now - Date.parse(run.lastCompletedAt)) / 1000)),
    };
  }
}
