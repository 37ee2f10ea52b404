/** How the console writes times, amounts and durations: the browser's locale, UTC shown on hover. */

const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

export function absoluteTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : absolute.format(date);
}

const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** A moment of today, to say when something was last read. */
export function clockTime(at: number): string {
  return clock.format(new Date(at));
}

export function relativeTime(iso: string, now: number): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  if (Number.isNaN(seconds)) return iso;
  const size = Math.abs(seconds);
  if (size < 60) return relative.format(seconds, 'second');
  if (size < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (size < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86_400), 'day');
}

export function seconds(total: number): string {
  if (total < 60) return `${total} s`;
  if (total < 3600) return `${Math.floor(total / 60)} min ${total % 60} s`;
  return `${Math.floor(total / 3600)} h ${Math.floor((total % 3600) / 60)} min`;
}

/** Amounts stay the API's decimal strings: no float ever rounds them. */
export function money(amount: string | null, currency: string | null): string {
  if (amount === null) return '—';
  return currency === null ? amount : `${amount} ${currency}`;
}

/** `<input type="datetime-local">`'s value (the browser's zone) as RFC 3339 in UTC. */
export function localToRfc3339(value: string): string | undefined {
  if (value === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** RFC 3339 as `<input type="datetime-local">`'s value, in the browser's zone. */
export function rfc3339ToLocal(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const offset = date.getTimezoneOffset() * 60_000;
  return new Date(date.getTime() - offset).toISOString().slice(0, 19);
}
