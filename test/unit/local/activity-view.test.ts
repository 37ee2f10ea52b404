import { describe, expect, test } from 'vitest';
import { startActivityView } from '../../../infra/local/activity-view.ts';
import { reportActivity } from '../../../shared/activity.ts';

/** The lines `npm start` prints for what happens, as a person reads them. */

function view(colour = false) {
  const lines: string[] = [];
  let now = Date.parse('2026-12-01T10:00:00Z');
  const started = startActivityView((line) => lines.push(line), { colour, now: () => now });
  return { lines, advance: (ms: number) => (now += ms), stop: started.stop };
}

const round = {
  kind: 'round',
  connection: 'carbonext',
  outcome: 'completed',
  reason: null,
  invoices: 300,
  changed: 1,
  events: 2,
  quarantined: 0,
  gone: 0,
  durationMs: 1234,
} as const;

describe('the activity view', () => {
  test('a round, its events and a webhook attempt: one plain line each, discoveries counted not listed', () => {
    const { lines, stop } = view();
    try {
      reportActivity({
        kind: 'event',
        connection: 'carbonext',
        remoteId: 'a',
        type: 'invoice.discovered',
        status: 'OPEN',
        previousStatus: null,
      });
      reportActivity({
        kind: 'event',
        connection: 'carbonext',
        remoteId: 'b',
        type: 'invoice.paid',
        status: 'PAID',
        previousStatus: 'OPEN',
      });
      reportActivity(round);
      reportActivity({
        kind: 'delivery',
        endpointId: 'wh_0123456789abcdef',
        target: 'https://hooks.example/in',
        eventType: 'invoice.paid',
        attempt: 2,
        outcome: 'failed',
        statusCode: 503,
        durationMs: 41.6,
        retryInSeconds: 30,
      });
      reportActivity({
        kind: 'quarantined',
        connection: 'carbonext',
        position: 'items[3]',
        remoteId: 'c',
        reason: 'totalPrice: must be a decimal number',
      });
    } finally {
      stop();
    }
    expect(lines).toEqual([
      '10:00:00 event invoice.paid carbonext/b OPEN → PAID',
      '10:00:00 snapshot carbonext: 300 invoices, 1 changed, 2 events (1.2 s)',
      '10:00:00 webhook wh_0123456789abcdef → https://hooks.example/in invoice.paid attempt 2: 503 in 42 ms, retry in 30 s',
      '10:00:00 skipped a carbonext record at items[3] (id c): totalPrice: must be a decimal number',
    ]);
  });

  test('a failed walk says why; a long walk shows progress at most every 2 s', () => {
    const { lines, advance, stop } = view();
    try {
      const progress = (pages: number) =>
        reportActivity({
          kind: 'progress',
          connection: 'packcloud',
          pages,
          invoices: pages * 100,
          changed: pages * 100,
        });
      progress(1); // a walk's first page: not worth a line yet
      advance(1000);
      progress(2);
      advance(1500);
      progress(3);
      advance(500);
      progress(4);
      reportActivity({
        ...round,
        connection: 'packcloud',
        outcome: 'failed',
        reason: "packcloud's next page link repeats one this walk already followed",
      });
    } finally {
      stop();
    }
    expect(lines).toEqual([
      '10:00:02 snapshot packcloud: walking, 3 pages, 300 invoices, 300 changed so far',
      "10:00:03 snapshot packcloud failed after 1.2 s: packcloud's next page link repeats one this walk already followed",
    ]);
  });

  test('colour only when asked (a terminal), and nothing once stopped', () => {
    const coloured = view(true);
    reportActivity(round);
    coloured.stop();
    reportActivity(round);
    expect(coloured.lines).toHaveLength(1);
    expect(coloured.lines[0]).toContain('\u001b[');
    const plain = view(false);
    reportActivity({ ...round, changed: 0, events: 0 });
    plain.stop();
    expect(plain.lines[0]).not.toContain('\u001b[');
  });
});
