import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import {
  generalUtcTimestamp,
  InvalidTimestamp,
  isTimeZone,
  toUtcTimestamp,
} from '../../../shared/invoice/time.ts';

describe('zone-less timestamps are read in the connection zone with that date’s rules', () => {
  test.each([
    // Vilnius: UTC+3 in summer, UTC+2 in winter (the seed example is summer time).
    ['2013-08-27 11:10:45', 'Europe/Vilnius', '2013-08-27T08:10:45Z'],
    ['2013-12-27 11:10:45', 'Europe/Vilnius', '2013-12-27T09:10:45Z'],
    // São Paulo had daylight saving until 2019 (UTC-2 in the southern summer)…
    ['2018-12-01 12:00:00', 'America/Sao_Paulo', '2018-12-01T14:00:00Z'],
    // …and none since: December is UTC-3.
    ['2021-12-01 12:00:00', 'America/Sao_Paulo', '2021-12-01T15:00:00Z'],
  ])('%s in %s is %s', (text, zone, expected) => {
    expect(toUtcTimestamp(text, zone)).toBe(expected);
  });

  test('a wall time in a spring-forward gap moves forward by the gap (Temporal "compatible")', () => {
    // Vilnius skips 03:00-04:00 on 2021-03-28; 03:30 is read as 04:30 EEST.
    expect(toUtcTimestamp('2021-03-28 03:30:00', 'Europe/Vilnius')).toBe('2021-03-28T01:30:00Z');
    // São Paulo skipped 00:00-01:00 on 2018-11-04.
    expect(toUtcTimestamp('2018-11-04 00:30:00', 'America/Sao_Paulo')).toBe('2018-11-04T03:30:00Z');
  });

  test('a wall time that occurs twice (clocks back) is the earlier instant', () => {
    // Vilnius 2021-10-31: 03:30 happens at UTC+3 and again at UTC+2.
    expect(toUtcTimestamp('2021-10-31 03:30:00', 'Europe/Vilnius')).toBe('2021-10-31T00:30:00Z');
    // São Paulo 2019-02-16: 23:30 happens at UTC-2 and again at UTC-3.
    expect(toUtcTimestamp('2019-02-16 23:30:00', 'America/Sao_Paulo')).toBe('2019-02-17T01:30:00Z');
  });

  test('day-first dates: 05/03/2022 is 5 March', () => {
    expect(toUtcTimestamp('05/03/2022 10:00:00', 'America/Sao_Paulo', 'day-first')).toBe(
      '2022-03-05T13:00:00Z',
    );
    expect(toUtcTimestamp('22/10/2021 00:36:16', 'America/Sao_Paulo', 'day-first')).toBe(
      '2021-10-22T03:36:16Z',
    );
  });

  test('timestamps with an offset are exact and keep their fraction of a second', () => {
    expect(toUtcTimestamp('2021-12-02T20:19:34.310359+01:00', 'UTC')).toBe('2021-12-02T19:19:34.310359Z');
    expect(toUtcTimestamp('2022-03-10T16:15:50Z', 'Asia/Ho_Chi_Minh')).toBe('2022-03-10T16:15:50Z');
    expect(toUtcTimestamp('2022-03-10T01:15:50-0300', 'UTC')).toBe('2022-03-10T04:15:50Z');
  });

  test('a date alone is midnight in the connection zone', () => {
    expect(toUtcTimestamp('2023-02-14', 'Europe/Amsterdam')).toBe('2023-02-13T23:00:00Z');
  });

  test.each([
    ['30/02/2022 10:00:00', 'day-first'],
    ['2022-02-29 10:00:00', 'year-first'],
    ['2022-13-01', 'year-first'],
    ['2022-01-01 24:00:00', 'year-first'],
    ['yesterday', 'year-first'],
    ['2022-01-01T10:00:00+25:00', 'year-first'],
    ['0099-01-01', 'year-first'],
  ] as const)('%s is not a %s timestamp', (text, order) => {
    expect(() => toUtcTimestamp(text, 'UTC', order)).toThrow(InvalidTimestamp);
  });

  test('unknown zones are refused', () => {
    expect(isTimeZone('Europe/Vilnius')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  test('the cached resolver agrees with Temporal for any wall time, transitions included', () => {
    const zones = [
      'Europe/Vilnius',
      'America/Sao_Paulo',
      'Europe/Amsterdam',
      'Australia/Lord_Howe',
      'Pacific/Apia',
    ];
    const wallTime = fc.record({
      zone: fc.constantFrom(...zones),
      // Minutes since 2010, so that generated times cluster around transitions often enough.
      minutes: fc.integer({ min: 0, max: 16 * 365 * 24 * 60 }),
    });
    fc.assert(
      fc.property(wallTime, ({ zone, minutes }) => {
        const wall = new Date(Date.UTC(2010, 0, 1) + minutes * 60_000).toISOString().slice(0, 19);
        const expected = Temporal.PlainDateTime.from(wall)
          .toZonedDateTime(zone, { disambiguation: 'compatible' })
          .toInstant()
          .toString();
        expect(toUtcTimestamp(wall, zone)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  test('the resolver agrees with Temporal on every hour around every transition of 2010-2025', () => {
    for (const zone of ['Europe/Vilnius', 'America/Sao_Paulo', 'Pacific/Apia']) {
      let cursor: Temporal.ZonedDateTime | null = Temporal.ZonedDateTime.from(`2010-01-01T00:00[${zone}]`);
      while (cursor !== null && cursor.year < 2026) {
        cursor = cursor.getTimeZoneTransition('next');
        if (cursor === null) break;
        for (let minutes = -120; minutes <= 120; minutes += 15) {
          const wall = cursor.toPlainDateTime().add({ minutes }).toString().slice(0, 19);
          const expected = Temporal.PlainDateTime.from(wall)
            .toZonedDateTime(zone, { disambiguation: 'compatible' })
            .toInstant()
            .toString();
          expect(toUtcTimestamp(wall, zone), `${wall} ${zone}`).toBe(expected);
        }
      }
    }
  });
});

describe('the fast path for common layouts gives what the general path gives', () => {
  const zones = ['Europe/Vilnius', 'America/Sao_Paulo', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
  const two = (value: number) => String(value).padStart(2, '0');
  // Mostly valid fields, sometimes out of range, so that refusals are compared too.
  const fields = fc.record({
    year: fc.oneof(fc.integer({ min: 2010, max: 2026 }), fc.integer({ min: 0, max: 9999 })),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 24 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 60 }),
    fraction: fc.oneof(fc.constant(''), fc.stringMatching(/^[.,]\d{1,10}$/)),
    offset: fc.oneof(
      fc.constant(''),
      fc.constantFrom('Z', 'z', '+01:00', '-03:00', '+05:30', '+18:00', '+19:00', '-00:00', '+0100', '+01'),
    ),
    separator: fc.constantFrom('T', ' ', 'x'),
    dateOnly: fc.boolean(),
  });

  function outcome(run: () => string): string {
    try {
      return run();
    } catch (error: unknown) {
      return error instanceof InvalidTimestamp ? 'refused' : `threw ${String(error)}`;
    }
  }

  test('year-first and day-first, zone-less and with offsets, valid or not', () => {
    fc.assert(
      fc.property(
        fields,
        fc.constantFrom(...zones),
        fc.constantFrom('year-first', 'day-first'),
        (f, zone, order) => {
          const date =
            order === 'year-first'
              ? `${String(f.year).padStart(4, '0')}-${two(f.month)}-${two(f.day)}`
              : `${two(f.day)}/${two(f.month)}/${String(f.year).padStart(4, '0')}`;
          const text = f.dateOnly
            ? date
            : `${date}${f.separator}${two(f.hour)}:${two(f.minute)}:${two(f.second)}${f.fraction}${f.offset}`;
          const orderOf = order as 'year-first' | 'day-first';
          expect(outcome(() => toUtcTimestamp(text, zone, orderOf))).toBe(
            outcome(() => generalUtcTimestamp(text, zone, orderOf)),
          );
        },
      ),
      { numRuns: 5000 },
    );
  });
});
