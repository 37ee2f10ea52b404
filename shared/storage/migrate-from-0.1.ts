import type { Clock } from '../clock.ts';
import { InvoiceEvent } from '../events/invoice-event.ts';
import { DeliveryRecord } from '../webhooks/delivery-store.ts';
import { dueShard } from '../webhooks/dynamo-delivery-store.ts';
import { DynamoEndpointStore } from '../webhooks/dynamo-endpoint-store.ts';
import { endpointContext, type SecretSealer } from '../webhooks/secret-sealing.ts';
import { type EndpointRecord, parseEndpointRecord } from '../webhooks/webhook.ts';
import type { Item, Table } from './dynamo.ts';
import { indexKeys, keys, PARTITION, SORT } from './keys.ts';
import { TABLE } from './table.ts';

/**
 * Brings a table written by invoice-relay 0.1 to today's items (`npx invoice-relay migrate`). It
 * is idempotent and may run while the stage serves: each item is rewritten on its own, and an item
 * already in today's shape is left alone. What changes:
 *
 * - invoice snapshots join the change index (gsi2) the snapshot reads page through;
 * - history events move to keys that carry their event id (`SEQ#<sequence>#<eventId>`) and from
 *   the one-partition-per-day log to their connection's log partition (gsi2), keeping the time
 *   they were logged, so `GET /v1/events` reads them in the same order as before;
 * - watches, global per connection in 0.1, become watches of the tenant `legacy` (snapshots keep
 *   following them; a key of that tenant can remove them);
 * - webhook endpoints get their signing secrets sealed and routes for the fan-out; they had no
 *   owner key, so each is disabled until a key of its tenant changes it (and so adopts it), as
 *   what it may receive is now bounded by its owner's grant;
 * - pending deliveries learn their tenant and when they are due, so the reconciler sends them
 *   (messages 0.1 queued carry no kind and end in the delivery queue's dead letters).
 */

export interface MigrationReport {
  snapshots: number;
  events: number;
  watches: number;
  endpoints: number;
  deliveries: number;
}

export const LEGACY_TENANT = 'legacy';

const ADOPT =
  'registered with invoice-relay 0.1, before endpoints had an owner key: change its URL or filter with a key of its tenant to adopt it and enable it';

export async function migrateFrom01(
  table: Table,
  sealer: SecretSealer,
  clock: Clock,
): Promise<MigrationReport> {
  const report: MigrationReport = { snapshots: 0, events: 0, watches: 0, endpoints: 0, deliveries: 0 };
  const endpoints = new DynamoEndpointStore(table);
  const tenantOf = new Map<string, string>();
  // Endpoints first: deliveries need to know their endpoint's tenant.
  for await (const item of table.scan()) {
    const pk = String(item.pk);
    const sk = String(item.sk);
    if (pk.startsWith(PARTITION.tenant) && sk.startsWith(SORT.webhook)) {
      const stored = parseEndpointRecord(JSON.parse(String(item.record)));
      tenantOf.set(stored.id, stored.tenant);
      const migrated = await migrateEndpoint(item, sealer, clock);
      if (migrated === null) continue;
      // In place: routes first, then the record (a 0.1 item has no version to conflict with).
      await endpoints.replace(migrated, stored);
      report.endpoints++;
    }
  }
  for await (const item of table.scan()) {
    const pk = String(item.pk);
    const sk = String(item.sk);
    if (pk.startsWith(PARTITION.connection) && sk.startsWith(SORT.snapshot)) {
      if (item[TABLE.timeline.partitionKey] !== undefined || item.followed === false) continue;
      const connection = pk.slice(PARTITION.connection.length);
      const changedAt = typeof item.changedAt === 'string' ? item.changedAt : new Date(0).toISOString();
      await table.update(
        { pk, sk },
        {
          UpdateExpression: 'SET #tpk = :tpk, #tsk = :tsk, changedAt = :changedAt',
          ExpressionAttributeNames: { '#tpk': TABLE.timeline.partitionKey, '#tsk': TABLE.timeline.sortKey },
          ExpressionAttributeValues: {
            ':tpk': indexKeys.changes(connection),
            ':tsk': indexKeys.changeSortKey(changedAt, sk.slice(SORT.snapshot.length)),
            ':changedAt': changedAt,
          },
        },
      );
      report.snapshots++;
    } else if (pk.startsWith(PARTITION.connection) && sk.startsWith('WATCH#')) {
      const connection = pk.slice(PARTITION.connection.length);
      await table.put({
        ...keys.watch(connection, sk.slice('WATCH#'.length), LEGACY_TENANT),
        tenant: LEGACY_TENANT,
        since: typeof item.since === 'string' ? item.since : new Date(clock()).toISOString(),
      });
      await table.delete({ pk, sk });
      report.watches++;
    } else if (pk.startsWith(PARTITION.history) && /^SEQ#\d{10}$/.test(sk)) {
      const event = InvoiceEvent.parse(JSON.parse(String(item.event)));
      const loggedAt = String(item[TABLE.index.sortKey] ?? '').split('#')[0] || event.occurredAt;
      await table.put({
        ...keys.historyEvent(event.connection, event.invoice.remoteId, event.sequence, event.id),
        [TABLE.timeline.partitionKey]: indexKeys.log(event.connection),
        [TABLE.timeline.sortKey]: indexKeys.logSortKey(loggedAt, 0, event.id),
        ...(item[TABLE.timeToLiveAttribute] === undefined
          ? {}
          : { [TABLE.timeToLiveAttribute]: item[TABLE.timeToLiveAttribute] }),
        eventId: event.id,
        type: event.type,
        connection: event.connection,
        event: JSON.stringify(event),
      });
      await table.delete({ pk, sk });
      report.events++;
    } else if (pk.startsWith(PARTITION.webhook) && sk.startsWith(SORT.delivery)) {
      const raw = JSON.parse(String(item.record)) as Record<string, unknown>;
      if (typeof raw.tenant === 'string') continue;
      const record = DeliveryRecord.parse(raw);
      const tenant = tenantOf.get(record.endpointId);
      if (tenant === undefined) continue; // its endpoint is gone: nothing will send it
      const now = new Date(clock()).toISOString();
      const migrated: DeliveryRecord = { ...record, tenant, dueAt: record.status === 'pending' ? now : null };
      await table.put({
        ...item,
        record: JSON.stringify(migrated),
        ...(migrated.dueAt === null
          ? {}
          : {
              [TABLE.index.partitionKey]: indexKeys.due(dueShard(record.deliveryId)),
              [TABLE.index.sortKey]: indexKeys.dueSortKey(
                migrated.dueAt,
                record.endpointId,
                record.deliveryId,
              ),
            }),
      });
      report.deliveries++;
    }
  }
  return report;
}

/** Today's record of a 0.1 endpoint (sealed secrets, no owner, disabled until adopted); null when it already is one. */
async function migrateEndpoint(
  item: Item,
  sealer: SecretSealer,
  clock: Clock,
): Promise<EndpointRecord | null> {
  const raw = JSON.parse(String(item.record)) as Record<string, unknown>;
  const legacy = !('connections' in raw);
  const record = parseEndpointRecord(raw);
  const plain = (secret: unknown) => typeof secret === 'string';
  const unsealed =
    plain(record.secrets.current) || record.secrets.previous.some((entry) => plain(entry.secret));
  if (!legacy && !unsealed) return null;
  const context = endpointContext(record.tenant, record.id);
  const seal = async (secret: EndpointRecord['secrets']['current']) =>
    typeof secret === 'string' ? sealer.seal(secret, context) : secret;
  return {
    ...record,
    secrets: {
      current: await seal(record.secrets.current),
      previous: await Promise.all(
        record.secrets.previous.map(async (entry) => ({
          secret: await seal(entry.secret),
          until: entry.until,
        })),
      ),
    },
    ...(legacy ? { enabled: false, disabledReason: ADOPT } : {}),
    updatedAt: new Date(clock()).toISOString(),
  };
}
