import type { ConnectionSnapshotStatus } from '../api/schemas.ts';
import type { Principal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { ConnectionRegistry } from '../connections/connection-registry.ts';
import type { RunStateStore } from '../snapshot/run-state.ts';
import { adapterFor } from './access.ts';

/** A connection's snapshot health, from its run state (one read). */
export class ConnectionStatusService {
  readonly #connections: ConnectionRegistry;
  readonly #runs: RunStateStore;
  readonly #clock: Clock;

  constructor(dependencies: { connections: ConnectionRegistry; runs: RunStateStore; clock: Clock }) {
    this.#connections = dependencies.connections;
    this.#runs = dependencies.runs;
    this.#clock = dependencies.clock;
  }

  async status(principal: Principal, connectionId: string): Promise<ConnectionSnapshotStatus> {
    const adapter = adapterFor(this.#connections, principal, connectionId);
    const now = this.#clock();
    const run = await this.#runs.status(connectionId, now);
    return {
      connection: connectionId,
      provider: adapter.id,
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
