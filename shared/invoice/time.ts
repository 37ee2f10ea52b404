import { Temporal } from 'temporal-polyfill';

/**
 * Provider timestamps to RFC 3339 UTC.
 *
 * Timestamps with an offset are exact. Zone-less ones are read in the connection's IANA time zone
 * with the rules in force on that date (Temporal, backed by the tz database in Intl), and
 * resolved like Temporal's `disambiguation: 'compatible'`: a wall time that occurs twice (clocks
 * going back) is the earlier instant; one that never occurs (clocks going forward) moves forward
 * by the length of the gap.
 *
 * Temporal answers in microseconds per call, too slow for pages of thousands of timestamps, so
 * `ZoneOffsets` caches the spans between a zone's transitions (a couple a year) and resolves a
 * wall time with three lookups in that cache. Tests check it against Temporal itself.
 */

export type DateOrder = 'year-first' | 'day-first';

/** `2013-08-27 11:10:45`, `2022-03-10T16:15:50Z`, `2021-12-02T20:19:34.310359+01:00`, `2023-01-31`. */
const YEAR_FIRST =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
/** `22/10/2021 00:36:16` (carbonext: day first, Brazilian local time). */
const DAY_FIRST = /^(\d{2})\/(\d{2})\/(\d{4})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?$/;

const MINUTE_MS = 60_000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAY_MS = 86_400_000;

/** Thrown for text that is not a valid date-time; adapters turn it into a malformed-body error. */
export class InvalidTimestamp extends Error {}

/** Converts a provider timestamp to RFC 3339 UTC (`…Z`), keeping its fraction of a second. */
export function toUtcTimestamp(text: string, timeZone: string, order: DateOrder = 'year-first'): string {
  const fields = parseFields(text.trim(), order);
  if (fields === null) throw new InvalidTimestamp(`not a ${order} date-time`);
  const wallMs = Date.UTC(
    fields.year,
    fields.month - 1,
    fields.day,
    fields.hour,
    fields.minute,
    fields.second,
  );
  const instant =
    fields.offsetMinutes === null
      ? zoneOffsets(timeZone).instantFor(wallMs)
      : wallMs - fields.offsetMinutes * MINUTE_MS;
  return `${formatUtcSeconds(instant)}${fields.fraction === null ? '' : `.${fields.fraction}`}Z`;
}

const dates = new Map<number, string>();

/**
 * `YYYY-MM-DDTHH:mm:ss` of a whole-second instant. The date part comes from `toISOString`, cached
 * per day (pages hold many timestamps of few days); the time of day is plain arithmetic.
 */
function formatUtcSeconds(instant: number): string {
  const day = Math.floor(instant / DAY_MS);
  let date = dates.get(day);
  if (date === undefined) {
    const iso = new Date(day * DAY_MS).toISOString();
    if (iso.length !== 24) throw new InvalidTimestamp('year outside 1000-9999');
    date = iso.slice(0, 10);
    if (dates.size > 50_000) dates.clear();
    dates.set(day, date);
  }
  const seconds = Math.floor((instant - day * DAY_MS) / 1000);
  return `${date}T${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
}

function two(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** True when the name is an IANA time zone this runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    Temporal.Now.zonedDateTimeISO(name);
    return true;
  } catch {
    return false;
  }
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  fraction: string | null;
  offsetMinutes: number | null;
}

function parseFields(text: string, order: DateOrder): Fields | null {
  const match = (order === 'year-first' ? YEAR_FIRST : DAY_FIRST).exec(text);
  if (match === null) return null;
  const yearFirst = order === 'year-first';
  const offset = match[8];
  const fields: Fields = {
    year: Number(yearFirst ? match[1] : match[3]),
    month: Number(match[2]),
    day: Number(yearFirst ? match[3] : match[1]),
    hour: match[4] === undefined ? 0 : Number(match[4]),
    minute: match[5] === undefined ? 0 : Number(match[5]),
    second: match[6] === undefined ? 0 : Number(match[6]),
    fraction: match[7] ?? null,
    offsetMinutes: offset === undefined ? null : offsetToMinutes(offset),
  };
  return isValidCalendarTime(fields) ? fields : null;
}

/** `Z`, `+01`, `+0100` or `+01:00` in minutes east of UTC. */
function offsetToMinutes(offset: string): number {
  if (offset.length === 1) return 0;
  const hours = Number(offset.slice(1, 3));
  const minutes = offset.length > 3 ? Number(offset.slice(-2)) : 0;
  const total = hours * 60 + minutes;
  return offset.charCodeAt(0) === 45 /* - */ ? -total : total;
}

function isValidCalendarTime(fields: Fields): boolean {
  const { year, month, day, hour, minute, second, offsetMinutes } = fields;
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59)
    return false;
  if (offsetMinutes !== null && Math.abs(offsetMinutes) > 18 * 60) return false;
  const daysInMonth = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return day <= daysInMonth;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** A span [start, end) of instants with one UTC offset; start and end are zone transitions. */
interface OffsetSpan {
  start: number;
  end: number;
  offsetMs: number;
}

class ZoneOffsets {
  readonly #timeZone: string;
  readonly #spans: OffsetSpan[] = [];

  constructor(timeZone: string) {
    this.#timeZone = timeZone;
  }

  /** The instant a wall-clock time (given as if it were UTC) denotes in this zone. */
  instantFor(wallMs: number): number {
    const before = this.offsetAt(wallMs - DAY_MS);
    const after = this.offsetAt(wallMs + DAY_MS);
    let earliest = Number.POSITIVE_INFINITY;
    for (const offsetMs of before === after ? [before] : [before, after]) {
      const instant = wallMs - offsetMs;
      if (this.offsetAt(instant) === offsetMs && instant < earliest) earliest = instant;
    }
    // No candidate: the wall time falls in a gap; reading it with the earlier offset lands after it.
    return earliest === Number.POSITIVE_INFINITY ? wallMs - before : earliest;
  }

  offsetAt(instant: number): number {
    const spans = this.#spans;
    let low = 0;
    let high = spans.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const span = spans[middle] as OffsetSpan;
      if (instant < span.start) high = middle - 1;
      else if (instant >= span.end) low = middle + 1;
      else return span.offsetMs;
    }
    const span = this.#spanAround(instant);
    spans.splice(low, 0, span);
    return span.offsetMs;
  }

  #spanAround(instant: number): OffsetSpan {
    const zoned = Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(this.#timeZone);
    const next = zoned.getTimeZoneTransition('next');
    // 'previous' is strictly before its starting point; start one millisecond later so that a
    // transition exactly at `instant` counts as this span's start.
    const previous = Temporal.Instant.fromEpochMilliseconds(instant + 1)
      .toZonedDateTimeISO(this.#timeZone)
      .getTimeZoneTransition('previous');
    return {
      start: previous === null ? Number.NEGATIVE_INFINITY : previous.epochMilliseconds,
      end: next === null ? Number.POSITIVE_INFINITY : next.epochMilliseconds,
      offsetMs: zoned.offsetNanoseconds / 1_000_000,
    };
  }
}

const zones = new Map<string, ZoneOffsets>();

function zoneOffsets(timeZone: string): ZoneOffsets {
  let offsets = zones.get(timeZone);
  if (offsets === undefined) {
    if (!isTimeZone(timeZone)) throw new RangeError(`unknown time zone '${timeZone}'`);
    offsets = new ZoneOffsets(timeZone);
    zones.set(timeZone, offsets);
  }
  return offsets;
}
