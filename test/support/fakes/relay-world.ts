import { type ApiKeyRecord, principalOf } from '../../../shared/auth/api-keys.ts';
import type { Principal } from '../../../shared/auth/principal.ts';
import { stateHash } from '../../../shared/events/change-detection.ts';
import { buildEvents } from '../../../shared/events/event-envelope.ts';
import type { EventType } from '../../../shared/events/event-type.ts';
import type { InvoiceEvent } from '../../../shared/events/invoice-event.ts';
import type { Invoice } from '../../../shared/invoice/invoice.ts';
import {
  DeliveryWorker,
  type DeliveryWorkerDependencies,
  type DeliveryWorkerOptions,
} from '../../../shared/webhooks/delivery-worker.ts';
import { EndpointEligibility } from '../../../shared/webhooks/endpoint-access.ts';
import { FanOut, type FanOutReporter } from '../../../shared/webhooks/fan-out.ts';
import { DEFAULT_RETRY_SCHEDULE_SECONDS } from '../../../shared/webhooks/retry-schedule.ts';
import { endpointContext, SecretSealer } from '../../../shared/webhooks/secret-sealing.ts';
import { type EndpointRecord, newSecret, type WebhookFilter } from '../../../shared/webhooks/webhook.ts';
import { type ManualClock, manualClock } from '../manual-clock.ts';
import { providerInvoice } from './fake-provider.ts';
import { MemoryApiKeys } from './memory-api-keys.ts';
import { MemoryDataKeys } from './memory-data-keys.ts';
import { MemoryDeliveryStore } from './memory-delivery-store.ts';
import { MemoryEndpointStore } from './memory-endpoint-store.ts';
import { MemoryEventLog } from './memory-event-log.ts';
import { RecordingRelayQueue } from './recording-relay-queue.ts';
import { ScriptedReceiver } from './scripted-receiver.ts';

/**
 * The webhook relay over fakes: keys, endpoints, deliveries, the event log and the queues in
 * memory, a scripted receiver, a manual clock, jitter pinned to none (random() = 0.5). Endpoints
 * are registered straight into the store with a sealed secret, so tests of the fan-out and the
 * worker do not depend on the API.
 */

export const DAY_MS = 86_400_000;

export interface Conflict {
  endpointId: string;
  deliveryId: string;
  eventId: string;
}

export function relayWorld(
  options: { worker?: Partial<DeliveryWorkerOptions>; connectionIds?: string[] } = {},
) {
  const clock: ManualClock = manualClock();
  const keys = new MemoryApiKeys(clock);
  const endpoints = new MemoryEndpointStore();
  const deliveries = new MemoryDeliveryStore({ clock });
  const queue = new RecordingRelayQueue(clock);
  const eligibility = new EndpointEligibility(keys, clock, 30);
  const log = new MemoryEventLog({ settleMs: 0, clock });
  const dataKeys = new MemoryDataKeys();
  const sealer = new SecretSealer(dataKeys);
  const receiver = new ScriptedReceiver();
  const conflicts: Conflict[] = [];
  const capped: Array<{ endpointId: string; queued: number }> = [];
  const reporter: FanOutReporter = {
    conflict: (endpointId, deliveryId, eventId) => conflicts.push({ endpointId, deliveryId, eventId }),
    recoverCapped: (endpointId, queued) => capped.push({ endpointId, queued }),
  };
  const fanOut = (maxRecoverDeliveries?: number) =>
    new FanOut({
      endpoints,
      deliveries,
      queue,
      eligibility,
      clock,
      log,
      reporter,
      connectionIds: () => options.connectionIds ?? ['books', 'ledger'],
      ...(maxRecoverDeliveries === undefined ? {} : { maxRecoverDeliveries }),
    });
  const worker = (more: Partial<DeliveryWorkerDependencies> = {}) =>
    new DeliveryWorker({
      endpoints,
      deliveries,
      eligibility,
      sealer,
      client: receiver.client,
      queue,
      options: {
        schedule: DEFAULT_RETRY_SCHEDULE_SECONDS,
        ratePerSecond: 10,
        disableAfterMs: 5 * DAY_MS,
        ...options.worker,
      },
      clock,
      random: () => 0.5,
      ...more,
    });

  /** A key of a tenant, granted these connections. */
  async function key(tenant: string, connections: ApiKeyRecord['connections']): Promise<Principal> {
    const { record } = await keys.create({
      name: `${tenant} key`,
      tenant,
      connections,
      scopes: ['webhooks:write', 'invoices:read', 'events:read'],
    });
    return principalOf(record);
  }

  /** An endpoint stored as the API would store it, owned by `owner`; answers it and its secret. */
  async function endpoint(
    owner: Principal,
    fields: Partial<Omit<EndpointRecord, 'secrets'>> & { filter?: WebhookFilter } = {},
  ): Promise<{ record: EndpointRecord; secret: string }> {
    const id = fields.id ?? `wh_${Math.random().toString(16).slice(2, 10)}`;
    const secret = newSecret();
    const now = new Date(clock()).toISOString();
    const record: EndpointRecord = {
      id,
      tenant: owner.tenant,
      url: `https://hooks.example/${id}`,
      filter: {},
      connections: owner.connections === '*' ? '*' : [...owner.connections],
      ownerKeyId: owner.keyId,
      description: null,
      enabled: true,
      disabledReason: null,
      createdAt: now,
      updatedAt: now,
      failingSince: null,
      ...fields,
      secrets: { current: await sealer.seal(secret, endpointContext(owner.tenant, id)), previous: [] },
    };
    if (!(await endpoints.create(record))) throw new Error(`endpoint ${id} exists`);
    return { record, secret };
  }

  return {
    clock,
    keys,
    endpoints,
    deliveries,
    queue,
    eligibility,
    log,
    dataKeys,
    sealer,
    receiver,
    conflicts,
    capped,
    fanOut,
    worker,
    key,
    endpoint,
  };
}

export type RelayWorld = ReturnType<typeof relayWorld>;

/** An event of an invoice of `connection`, as the snapshot runner builds it. */
export function invoiceEvent(
  connection: string,
  remoteId: string,
  fields: { type?: EventType; status?: Invoice['status']; sequence?: number; occurredAt?: string } = {},
): InvoiceEvent {
  const invoice = providerInvoice(remoteId, { connection, status: fields.status ?? 'OPEN' });
  const [event] = buildEvents({
    connection,
    invoice,
    stateHash: stateHash(invoice),
    before: null,
    version: fields.sequence ?? 1,
    sequence: (fields.sequence ?? 1) - 1,
    types: [fields.type ?? 'invoice.discovered'],
    occurredAt: fields.occurredAt ?? '2026-01-01T00:00:00.000Z',
  }) as [InvoiceEvent];
  return event;
}
