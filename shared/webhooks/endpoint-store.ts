import type { EndpointRecord } from './webhook.ts';

/**
 * Webhook endpoints: each belongs to a tenant, and is found by the fan-out through a route per
 * connection it receives (or the all-connections route), so that an event only ever reads the
 * endpoints that could want it.
 *
 * Routes are written before the endpoint that needs them and removed after it stopped needing
 * them: a crash in between leaves a stale route (harmless, the fan-out checks the endpoint),
 * never an endpoint that silently misses events.
 */

export interface EndpointRef {
  tenant: string;
  endpointId: string;
}

export type EndpointHealth = { failingSince: string | null } | { enabled: false; disabledReason: string };

export interface EndpointStore {
  /** Stores a new endpoint; false when its id is taken. */
  create(record: EndpointRecord): Promise<boolean>;
  /**
   * Replaces an endpoint with a changed copy of `previous`; false when it was deleted or changed
   * by someone else since `previous` was read. Its health (enabled, disabledReason, failingSince)
   * is written only when the copy changes it: what the relay set after `previous` was read (a 410
   * disabling it, a failure streak) is kept by a change that is not about health.
   */
  replace(record: EndpointRecord, previous: EndpointRecord): Promise<boolean>;
  get(tenant: string, endpointId: string): Promise<EndpointRecord | null>;
  list(tenant: string): Promise<EndpointRecord[]>;
  /** Deletes an endpoint; answers what it was, or null when there was none. */
  delete(tenant: string, endpointId: string): Promise<EndpointRecord | null>;
  /**
   * The relay's view of an endpoint's health, written without touching the rest of the record, so
   * that a concurrent update through the API is never overwritten by a delivery.
   */
  setHealth(tenant: string, endpointId: string, health: EndpointHealth): Promise<void>;
  /** Endpoints routed to any of these connections (and those of all-access keys). */
  routed(connections: readonly string[]): Promise<EndpointRef[]>;
  getMany(refs: readonly EndpointRef[]): Promise<EndpointRecord[]>;
}

/** Whether a replacement changes the endpoint's health itself (say, re-enabling it). */
export function healthChanged(record: EndpointRecord, previous: EndpointRecord): boolean {
  return (
    record.enabled !== previous.enabled ||
    record.disabledReason !== previous.disabledReason ||
    record.failingSince !== previous.failingSince
  );
}
