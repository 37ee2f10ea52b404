import * as z from 'zod';

/** Building blocks of the API's queries, shared by the routes of every function. */

/** Routes without query parameters still refuse unknown ones, so that typos do not pass silently. */
export const NoQuery = z.strictObject({});

/** A page size from 1 to `max`, with one message for every way to get it wrong. */
export function pageLimit(max: number, fallback: number) {
  const message = `must be a whole number from 1 to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(1, message).max(max, message).default(fallback);
}

/** A comma list of values of `item`, e.g. `status=OPEN,PAID`. */
export function commaList<T extends z.ZodType<string, string>>(item: T, max: number, what: string) {
  return z
    .string()
    .transform((text) => text.split(',').map((part) => part.trim()))
    .pipe(
      z
        .array(item, { error: `must be a comma list of ${what}` })
        .min(1)
        .max(max),
    )
    .transform((values): Array<z.output<T>> => [...new Set(values)]);
}
