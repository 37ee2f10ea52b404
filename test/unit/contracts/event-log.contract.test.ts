import { describe, expect, test } from 'vitest';
import { stateHash } from '../../../shared/events/change-detection.ts';
import { DynamoEventLog } from '../../../shared/events/dynamo-event-log.ts';
import { buildEvents } from '../../../shared/events/event-envelope.ts';
import type { EventLog } from '../../../shared/events/event-log.ts';
import type { EventType } from '../../../shared/events/event-type.ts';
import type { InvoiceEvent } from '../../../shared/events/invoice-event.ts';
import { peerName, unique, useDynamoTable } from '../../support/fakes/contract-peer.ts';
import { providerInvoice } from '../../support/fakes/fake-provider.ts';
import { MemoryEventLog } from '../../support/fakes/memory-event-log.ts';

/**
 * The event log's contract (event-log.ts): written once, merged across connections in logged
 * order, settled reads, budgets, histories by sequence. Run against the in-memory fake and the
 * DynamoDB log on a real peer.
 */

const dynamo = useDynamoTable();

type MakeLog = (options: { settleMs: number; retentionDays?: number }) => EventLog;

const implementations: Array<[string, MakeLog]> = [
  ['in memory', (options) => new MemoryEventLog(options)],
  [
    `DynamoDB (${peerName})`,
    (options) =>
      new DynamoEventLog(dynamo.table(), {
        retentionDays: options.retentionDays ?? 30,
        settleMs: options.settleMs,
      }),
  ],
];

const BASE = Date.parse('2026-05-01T10:00:00Z');

function eventOf(
  connection: string,
  remoteId: string,
  id: string,
  sequence = 1,
  type: EventType = 'invoice.discovered',
): InvoiceEvent {
  const invoice = providerInvoice(remoteId);
  const [event] = buildEvents({
    connection,
    invoice,
    stateHash: stateHash(invoice),
    before: null,
    version: sequence,
    sequence: sequence - 1,
    types: [type],
    occurredAt: '2026-05-01T09:00:00.000Z',
  }) as [InvoiceEvent];
  return { ...event, id };
}

async function readAll(log: EventLog, connections: string[], now: number, budget = 100) {
  const ids: string[] = [];
  let position = log.start(now);
  for (let calls = 0; calls < 50; calls++) {
    const page = await log.read(connections, position, { limit: 100, budget }, now);
    ids.push(...page.events.map((event) => event.id));
    position = page.next;
    if (page.caughtUp) return ids;
  }
  throw new Error('the log never caught up');
}

describe.each(implementations)('the event log contract, %s', (_name, make) => {
  test('an event is logged once: appending it again later keeps the first entry and its place', async () => {
    const log = make({ settleMs: 1000 });
    const connection = unique('log');
    const event = eventOf(connection, 'a', 'evt_once');
    const other = eventOf(connection, 'b', 'evt_other');

    const first = await log.append([event], BASE);
    await log.append([other], BASE + 10);
    const again = await log.append([{ ...event, occurredAt: '2030-01-01T00:00:00.000Z' }], BASE + 60_000);

    expect([first, again]).toEqual([1, 0]);
    expect(await readAll(log, [connection], BASE + 120_000)).toEqual(['evt_once', 'evt_other']);
    expect(await log.history(connection, 'a')).toEqual([event]);
  });

  test('an append answers how many of its events were new', async () => {
    const log = make({ settleMs: 0 });
    const connection = unique('log');
    const known = eventOf(connection, 'a', 'evt_known');
    await log.append([known], BASE);

    const added = await log.append([known, eventOf(connection, 'b', 'evt_new')], BASE + 1);

    expect(added).toBe(1);
  });

  test('connections merge in the order events were logged; one append keeps its own order', async () => {
    const log = make({ settleMs: 0 });
    const [one, two] = [unique('log'), unique('log')];
    await log.append([eventOf(one, 'x', 'evt_3'), eventOf(one, 'x', 'evt_1', 2)], BASE + 20);
    await log.append([eventOf(two, 'y', 'evt_2')], BASE + 10);
    await log.append([eventOf(two, 'y', 'evt_4', 2)], BASE + 30);

    expect(await readAll(log, [one, two], BASE + 1000)).toEqual(['evt_2', 'evt_3', 'evt_1', 'evt_4']);
  });

  test('a reader sees only the connections it asks for', async () => {
    const log = make({ settleMs: 0 });
    const [mine, theirs] = [unique('log'), unique('log')];
    await log.append([eventOf(mine, 'a', 'evt_mine')], BASE);
    await log.append([eventOf(theirs, 'b', 'evt_theirs')], BASE);

    expect(await readAll(log, [mine], BASE + 1000)).toEqual(['evt_mine']);
  });

  test('events logged within the settle window are not read yet', async () => {
    const log = make({ settleMs: 1000 });
    const connection = unique('log');
    await log.append([eventOf(connection, 'a', 'evt_old')], BASE);
    await log.append([eventOf(connection, 'b', 'evt_fresh')], BASE + 500);

    const page = await log.read(
      [connection],
      log.start(BASE + 1200),
      { limit: 10, budget: 100 },
      BASE + 1200,
    );

    expect(page.events.map((event) => event.id)).toEqual(['evt_old']);
    expect(page.caughtUp).toBe(true);
    const later = await log.read([connection], page.next, { limit: 10, budget: 100 }, BASE + 2000);
    expect(later.events.map((event) => event.id)).toEqual(['evt_fresh']);
  });

  test('a read stops at its budget, says it has not caught up, and continues from there', async () => {
    const log = make({ settleMs: 0 });
    const connection = unique('log');
    for (let index = 0; index < 5; index++)
      await log.append([eventOf(connection, `r${index}`, `evt_${index}`)], BASE + index);
    const now = BASE + 1000;

    const first = await log.read([connection], log.start(now), { limit: 100, budget: 2 }, now);
    const second = await log.read([connection], first.next, { limit: 100, budget: 2 }, now);

    expect(first.events.map((event) => event.id)).toEqual(['evt_0', 'evt_1']);
    expect(first.caughtUp).toBe(false);
    expect(second.events.map((event) => event.id)).toEqual(['evt_2', 'evt_3']);
    expect(await readAll(log, [connection], now, 2)).toEqual(['evt_0', 'evt_1', 'evt_2', 'evt_3', 'evt_4']);
  });

  test('a filtered read counts only accepted events toward its limit and continues after the last one', async () => {
    const log = make({ settleMs: 0 });
    const connection = unique('log');
    await log.append(
      [
        eventOf(connection, 'a', 'evt_a'),
        eventOf(connection, 'a', 'evt_a_paid', 2, 'invoice.paid'),
        eventOf(connection, 'b', 'evt_b'),
        eventOf(connection, 'b', 'evt_b_paid', 2, 'invoice.paid'),
      ],
      BASE,
    );
    const now = BASE + 1000;
    const paidOnly = {
      limit: 1,
      budget: 100,
      accept: (event: { type: EventType }) => event.type === 'invoice.paid',
    };

    const first = await log.read([connection], log.start(now), paidOnly, now);
    const second = await log.read([connection], first.next, paidOnly, now);

    expect(first.events.map((event) => event.id)).toEqual(['evt_a_paid']);
    expect(second.events.map((event) => event.id)).toEqual(['evt_b_paid']);
  });

  test('a position from before the retention period starts at the oldest retained moment, and since() starts at a moment', async () => {
    const log = make({ settleMs: 0, retentionDays: 1 });
    const connection = unique('log');
    await log.append([eventOf(connection, 'a', 'evt_early')], BASE);
    await log.append([eventOf(connection, 'b', 'evt_late')], BASE + 60_000);
    const now = BASE + 86_400_000 + 30_000;

    const fromZero = await log.read(
      [connection],
      { after: '1970-01-01T00:00:00.000Z' },
      { limit: 10, budget: 10 },
      now,
    );
    const fromSince = await log.read(
      [connection],
      log.since(new Date(BASE + 1).toISOString()),
      { limit: 10, budget: 10 },
      BASE + 120_000,
    );

    expect(fromZero.events.map((event) => event.id)).toEqual(['evt_late']);
    expect(fromSince.events.map((event) => event.id)).toEqual(['evt_late']);
  });

  test("an invoice's history is its events by sequence; two events of one sequence never replace each other", async () => {
    const log = make({ settleMs: 0 });
    const connection = unique('log');
    await log.append([eventOf(connection, 'h', 'evt_h2', 2, 'invoice.paid')], BASE + 5);
    await log.append([eventOf(connection, 'h', 'evt_h1', 1)], BASE + 10);
    await log.append([eventOf(connection, 'h', 'evt_h2b', 2, 'invoice.updated')], BASE + 15);
    await log.append([eventOf(connection, 'other', 'evt_elsewhere')], BASE);

    const history = await log.history(connection, 'h');

    expect(history.map((event) => [event.sequence, event.id])).toEqual([
      [1, 'evt_h1'],
      [2, 'evt_h2'],
      [2, 'evt_h2b'],
    ]);
  });
});
