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
 *
 * Pages still hold thousands of timestamps of few distinct hours, so the common layouts
 * (`YYYY-MM-DD[T ]HH:mm:ss[.fff][Z|±HH:MM]`, `DD/MM/YYYY HH:mm:ss`, a bare date) take a faster
 * path: the text is scanned by character, and the UTC date and hour of its wall hour are cached
 * ("2021-10-22T03") when the whole hour has one whole-hour offset, nowhere near a transition; the
 * minutes, seconds and fraction are then the text's own. Anything else (other layouts, offsets
 * that are not whole hours, hours near a transition, invalid dates) takes the general path.
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
  return fastUtcTimestamp(text, timeZone, order) ?? generalUtcTimestamp(text, timeZone, order);
}

/**
 * The general path: any layout the patterns accept, any offset, any wall time. Exported as the
 * reference the fast path is tested against.
 */
export function generalUtcTimestamp(text: string, timeZone: string, order: DateOrder): string {
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

const HOUR_MS = 3_600_000;

/** The two digits at `index` as a number, or -1. */
function twoDigits(text: string, index: number): number {
  const tens = text.charCodeAt(index) - 48;
  const ones = text.charCodeAt(index + 1) - 48;
  // Unsigned, a character below '0' is a large number too: one comparison per digit.
  return tens >>> 0 <= 9 && ones >>> 0 <= 9 ? tens * 10 + ones : -1;
}

function fourDigits(text: string, index: number): number {
  const high = twoDigits(text, index);
  const low = twoDigits(text, index + 2);
  return high < 0 || low < 0 ? -1 : high * 100 + low;
}

/**
 * The fast path, or null when the text is not in one of its layouts (the general path then
 * decides, and refuses what is invalid). Every layout here keeps minutes and seconds at 13-19.
 */
function fastUtcTimestamp(text: string, timeZone: string, order: DateOrder): string | null {
  const length = text.length;
  if (length !== 10 && length < 19) return null;
  let year: number;
  let month: number;
  let day: number;
  if (order === 'year-first') {
    if (text.charCodeAt(4) !== 45 /* - */ || text.charCodeAt(7) !== 45) return null;
    year = fourDigits(text, 0);
    month = twoDigits(text, 5);
    day = twoDigits(text, 8);
  } else {
    if (text.charCodeAt(2) !== 47 /* / */ || text.charCodeAt(5) !== 47) return null;
    day = twoDigits(text, 0);
    month = twoDigits(text, 3);
    year = fourDigits(text, 6);
  }
  if (year < 1000 || month < 1 || month > 12 || day < 1) return null;
  if (day > (month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0))) return null;
  if (length === 10) return zoneOffsets(timeZone).midnight(text, order, year, month, day);
  const separator = text.charCodeAt(10);
  if ((separator !== 84 /* T */ && separator !== 32) || text.charCodeAt(13) !== 58 /* : */) return null;
  if (text.charCodeAt(16) !== 58) return null;
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  let end = 19;
  if (end < length && text.charCodeAt(end) === 46 /* . */) {
    end++;
    while (end < length && end <= 29) {
      const code = text.charCodeAt(end);
      if (code < 48 || code > 57) break;
      end++;
    }
    // One to nine digits, as the general pattern allows.
    if (end === 20 || end > 29) return null;
  }
  if (end === length) {
    const zoned = zoneOffsets(timeZone).day(year, month, day);
    if (zoned === null) return null;
    return utcText(
      text,
      order,
      zoned.calendar,
      year,
      month,
      day,
      hour - zoned.offsetHours,
      text.slice(13, end),
    );
  }
  if (order !== 'year-first') return null;
  const sign = text.charCodeAt(end);
  let offsetHours: number;
  if ((sign === 90 /* Z */ || sign === 122) && end + 1 === length) {
    // Already RFC 3339 UTC, as written: the text is its own answer.
    if (sign === 90 && separator === 84) return text;
    offsetHours = 0;
  } else if ((sign === 43 /* + */ || sign === 45) && end + 6 === length && text.charCodeAt(end + 3) === 58) {
    const hours = twoDigits(text, end + 1);
    // Whole hours only: other offsets move the minutes as well.
    if (hours < 0 || hours > 18 || text.charCodeAt(end + 4) !== 48 || text.charCodeAt(end + 5) !== 48)
      return null;
    offsetHours = sign === 45 ? -hours : hours;
  } else return null;
  return utcText(text, order, null, year, month, day, hour - offsetHours, text.slice(13, end));
}

const HOURS = Array.from({ length: 24 }, (_, hour) => String(hour).padStart(2, '0'));

/**
 * `YYYY-MM-DDTHH` + `clock` + `Z`, for a UTC hour given relative to the wall date (-18 to 41:
 * the day before or after when it leaves 0-23). Null outside the years written with four digits.
 */
function utcText(
  text: string,
  order: DateOrder,
  known: CalendarDay | null,
  year: number,
  month: number,
  day: number,
  utcHour: number,
  clock: string,
): string | null {
  if (utcHour >= 0 && utcHour < 24) {
    // The wall date is the UTC date: year-first text already spells it (with the T, if it has one).
    if (order === 'year-first' && text.charCodeAt(10) === 84)
      return `${text.slice(0, 11)}${HOURS[utcHour]}${clock}Z`;
    const date = order === 'year-first' ? text.slice(0, 10) : (known ?? calendarDay(year, month, day)).date;
    return `${date}T${HOURS[utcHour]}${clock}Z`;
  }
  const calendar = known ?? calendarDay(year, month, day);
  const date = utcHour < 0 ? calendar.previous : calendar.next;
  if (date === null) return null;
  return `${date}T${HOURS[utcHour < 0 ? utcHour + 24 : utcHour - 24]}${clock}Z`;
}

/** `dayKey` numbers a date: distinct for every year, month and day, and small. */
function dayKey(year: number, month: number, day: number): number {
  return (year * 13 + month) * 32 + day;
}

/** A date as RFC 3339 writes it, and the dates either side (null outside years 1000-9999). */
interface CalendarDay {
  date: string;
  previous: string | null;
  next: string | null;
}

/** A wall date whose every time has one whole-hour offset in a zone. */
interface ZonedDay {
  offsetHours: number;
  calendar: CalendarDay;
}

const CACHE_LIMIT = 50_000;
const calendar = new Map<number, CalendarDay>();

function calendarDay(year: number, month: number, day: number): CalendarDay {
  const key = dayKey(year, month, day);
  let entry = calendar.get(key);
  if (entry === undefined) {
    const midnight = Date.UTC(year, month - 1, day);
    entry = {
      date: isoDate(midnight) ?? '',
      previous: isoDate(midnight - DAY_MS),
      next: isoDate(midnight + DAY_MS),
    };
    if (calendar.size >= CACHE_LIMIT) calendar.clear();
    calendar.set(key, entry);
  }
  return entry;
}

function isoDate(instant: number): string | null {
  const iso = new Date(instant).toISOString();
  return iso.length === 24 ? iso.slice(0, 10) : null;
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
  /** Wall dates with their whole-hour offsets; null where the fast path does not apply. */
  readonly #days = new Map<number, ZonedDay | null>();
  readonly #midnights = new Map<number, string | null>();

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

  /**
   * A wall date, with its offset in whole hours when every wall time that day resolves with that
   * one offset: no transition from a day before it to a day after it. Else null (the general path).
   */
  day(year: number, month: number, day: number): ZonedDay | null {
    const key = dayKey(year, month, day);
    let zoned = this.#days.get(key);
    if (zoned === undefined) {
      const midnight = Date.UTC(year, month - 1, day);
      const span = this.spanAt(midnight - 2 * DAY_MS);
      zoned =
        midnight + 3 * DAY_MS <= span.end && span.offsetMs % HOUR_MS === 0
          ? { offsetHours: span.offsetMs / HOUR_MS, calendar: calendarDay(year, month, day) }
          : null;
      if (this.#days.size >= CACHE_LIMIT) this.#days.clear();
      this.#days.set(key, zoned);
    }
    return zoned;
  }

  /** A bare date's midnight in UTC, by date (due dates repeat within a page), or null. */
  midnight(text: string, order: DateOrder, year: number, month: number, day: number): string | null {
    const key = dayKey(year, month, day);
    let answer = this.#midnights.get(key);
    if (answer === undefined) {
      const zoned = this.day(year, month, day);
      answer =
        zoned === null
          ? null
          : utcText(text, order, zoned.calendar, year, month, day, -zoned.offsetHours, ':00:00');
      if (this.#midnights.size >= CACHE_LIMIT) this.#midnights.clear();
      this.#midnights.set(key, answer);
    }
    return answer;
  }

  offsetAt(instant: number): number {
    return this.spanAt(instant).offsetMs;
  }

  spanAt(instant: number): OffsetSpan {
    const spans = this.#spans;
    let low = 0;
    let high = spans.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const span = spans[middle] as OffsetSpan;
      if (instant < span.start) high = middle - 1;
      else if (instant >= span.end) low = middle + 1;
      else return span;
    }
    const span = this.#spanAround(instant);
    spans.splice(low, 0, span);
    return span;
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
let lastZone: { name: string; offsets: ZoneOffsets } | null = null;

function zoneOffsets(timeZone: string): ZoneOffsets {
  // A page is read in one zone: most calls ask for the zone the previous one did.
  if (lastZone !== null && lastZone.name === timeZone) return lastZone.offsets;
  let offsets = zones.get(timeZone);
  if (offsets === undefined) {
    if (!isTimeZone(timeZone)) throw new RangeError(`unknown time zone '${timeZone}'`);
    offsets = new ZoneOffsets(timeZone);
    zones.set(timeZone, offsets);
  }
  lastZone = { name: timeZone, offsets };
  return offsets;
}
