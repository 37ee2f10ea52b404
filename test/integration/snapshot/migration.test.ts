import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { systemClock } from '../../../shared/clock.ts';
import { stateHash } from '../../../shared/events/change-detection.ts';
import { DynamoEventLog } from '../../../shared/events/dynamo-event-log.ts';
import type { InvoiceEvent } from '../../../shared/events/invoice-event.ts';
import { DynamoRunStateStore } from '../../../shared/snapshot/dynamo-run-state.ts';
import { DynamoSnapshotReader } from '../../../shared/snapshot/dynamo-snapshot-reads.ts';
import { Table } from '../../../shared/storage/dynamo.ts';
import { keys } from '../../../shared/storage/keys.ts';
import { LEGACY_TENANT, migrateFrom01 } from '../../../shared/storage/migrate-from-0.1.ts';
import { DynamoWatchStore } from '../../../shared/watches/dynamo-watch-store.ts';
import { DynamoDeliveryStore, dueShard } from '../../../shared/webhooks/dynamo-delivery-store.ts';
import { DynamoEndpointStore } from '../../../shared/webhooks/dynamo-endpoint-store.ts';
import { endpointContext, FileDataKeys, SecretSealer } from '../../../shared/webhooks/secret-sealing.ts';
import { type DynamoPeer, startDynamoPeer } from '../../support/dynamo-peer.ts';
import { anInvoice } from '../../support/invoices.ts';

/**
 * A table as invoice-relay 0.1 left it, brought to today's items by the migration, on a real
 * DynamoDB peer: afterwards the snapshot reads, the event log, the watches, the endpoints (sealed,
 * waiting to be adopted) and the pending deliveries all read as if written by this version.
 */

let peer: DynamoPeer;
let table: Table;
let sealer: SecretSealer;
beforeAll(async () => {
  peer = await startDynamoPeer();
  table = new Table(peer.client, peer.table);
  sealer = new SecretSealer(new FileDataKeys(join(mkdtempSync(join(tmpdir(), 'migrate-')), 'key')));
}, 90_000);
afterAll(() => peer.stop());

const PLAIN_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const VN = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const paid = anInvoice('a', { status: 'PAID' });
const oldEvent: InvoiceEvent = {
  id: 'evt_written_by_version_zero_one',
  type: 'invoice.discovered',
  occurredAt: '2026-01-01T00:00:00.000Z',
  sequence: 1,
  connection: 'carbonext',
  provider: 'carbonext',
  invoice: paid,
  previous: null,
};

/** The items 0.1 wrote, as it wrote them. */
async function writeVersion01() {
  await table.put({
    pk: 'CONN#carbonext',
    sk: 'INV#a',
    state: JSON.stringify(paid),
    hash: stateHash(paid),
    version: 1,
    sequence: 1,
    gone: false,
    status: 'PAID',
    changedAt: '2026-01-01T00:00:00.500Z',
  });
  await table.put({
    pk: 'EVT#carbonext#a',
    sk: 'SEQ#0000000001',
    gsi1pk: 'LOG#2026-01-01',
    gsi1sk: `2026-01-01T00:00:01.000Z#${oldEvent.id}`,
    expiresAt: 1_900_000_000,
    type: oldEvent.type,
    connection: 'carbonext',
    event: JSON.stringify(oldEvent),
  });
  await table.put({ pk: 'CONN#vn-einvoice', sk: `WATCH#invoice#${VN}`, since: '2026-01-01T00:00:00.000Z' });
  await table.put({
    pk: 'TENANT#acme',
    sk: 'WEBHOOK#wh_00000000000000aa',
    gsi1pk: 'WEBHOOKS',
    gsi1sk: 'wh_00000000000000aa',
    record: JSON.stringify({
      id: 'wh_00000000000000aa',
      url: 'https://hooks.example.com/in',
      filter: {},
      description: null,
      enabled: true,
      disabledReason: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      tenant: 'acme',
      allowedConnections: ['carbonext'],
      secrets: { current: PLAIN_SECRET, previous: null, previousUntil: null },
      failingSince: null,
    }),
    enabled: true,
    disabledReason: null,
    failingSince: null,
  });
  await table.put({
    pk: 'WEBHOOK#wh_00000000000000aa',
    sk: 'DELIVERY#dlv_AAAAAAAAAAAAAAAAAAAAAA',
    generation: 1,
    expiresAt: 1_900_000_000,
    record: JSON.stringify({
      deliveryId: 'dlv_AAAAAAAAAAAAAAAAAAAAAA',
      endpointId: 'wh_00000000000000aa',
      eventId: oldEvent.id,
      eventType: oldEvent.type,
      body: JSON.stringify(oldEvent),
      generation: 1,
      status: 'pending',
      attempts: 1,
      createdAt: '2026-01-01T00:00:02.000Z',
      lastAttemptAt: '2026-01-01T00:00:03.000Z',
    }),
  });
}

describe(`migrating a 0.1 table (${process.env.DYNAMODB_PEER ?? 'dynalite'})`, () => {
  test('every 0.1 item reads as today’s, and a second run changes nothing', async () => {
    await writeVersion01();
    const report = await migrateFrom01(table, sealer, systemClock);
    expect(report).toEqual({ snapshots: 1, events: 1, watches: 1, endpoints: 1, deliveries: 1 });

    const now = Date.parse('2026-01-05T00:00:00Z');
    const runs = new DynamoRunStateStore(table);
    const snapshots = await new DynamoSnapshotReader(table, runs, { settleMs: 0 }).page(
      { connections: ['carbonext'], includeGone: false, limit: 10 },
      now,
    );
    expect(snapshots.invoices.map((entry) => [entry.invoice.remoteId, entry.snapshot.version])).toEqual([
      ['a', 1],
    ]);

    const log = new DynamoEventLog(table, { retentionDays: 365, settleMs: 0 });
    const page = await log.read(['carbonext'], log.start(now), { limit: 10, budget: 100 }, now);
    expect(page.events).toEqual([oldEvent]);
    expect(await log.history('carbonext', 'a')).toEqual([oldEvent]);
    // Appended again (a publish retried after the upgrade), it is not logged twice.
    expect(await log.append([oldEvent], now)).toBe(0);

    const watch = await new DynamoWatchStore(table).page('vn-einvoice', null, 10);
    expect(watch.watches.map((w) => w.key)).toEqual([`invoice#${VN}`]);
    expect(await table.get(keys.watch('vn-einvoice', `invoice#${VN}`, LEGACY_TENANT))).toMatchObject({
      tenant: LEGACY_TENANT,
    });

    const endpoints = new DynamoEndpointStore(table);
    const endpoint = await endpoints.get('acme', 'wh_00000000000000aa');
    expect(endpoint).toMatchObject({ connections: ['carbonext'], ownerKeyId: null, enabled: false });
    expect(endpoint?.disabledReason).toMatch(/adopt/);
    expect(typeof endpoint?.secrets.current).toBe('object');
    expect(
      JSON.stringify(await table.get({ pk: 'TENANT#acme', sk: 'WEBHOOK#wh_00000000000000aa' })),
    ).not.toContain(PLAIN_SECRET);
    const current = endpoint?.secrets.current;
    expect(
      current === undefined
        ? null
        : await sealer.open(current, endpointContext('acme', endpoint?.id ?? ''), now),
    ).toBe(PLAIN_SECRET);
    expect(await endpoints.routed(['carbonext'])).toEqual([
      { tenant: 'acme', endpointId: 'wh_00000000000000aa' },
    ]);

    const due = await new DynamoDeliveryStore(table).due(
      dueShard('dlv_AAAAAAAAAAAAAAAAAAAAAA'),
      new Date(Date.now() + 60_000).toISOString(),
      10,
    );
    expect(due.map((delivery) => [delivery.deliveryId, delivery.tenant])).toEqual([
      ['dlv_AAAAAAAAAAAAAAAAAAAAAA', 'acme'],
    ]);

    expect(await migrateFrom01(table, sealer, systemClock)).toEqual({
      snapshots: 0,
      events: 0,
      watches: 0,
      endpoints: 0,
      deliveries: 0,
    });
  });
});
