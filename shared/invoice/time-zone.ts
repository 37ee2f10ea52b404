/**
 * True when the name is an IANA time zone (or an offset such as "+01:00") this runtime knows.
 * Intl answers what Temporal would (the polyfill asks Intl too), so configuration can check a
 * zone without carrying the time code that converts timestamps (time.ts).
 */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
