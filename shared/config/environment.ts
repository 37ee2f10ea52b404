import * as z from 'zod';

/**
 * Configuration is read from `process.env` once, at cold start, through a zod schema: a missing or
 * malformed variable stops the function before it serves anything, with a message naming it.
 */
export function loadEnvironment<T extends z.ZodType>(
  schema: T,
  environment: NodeJS.ProcessEnv = process.env,
): z.output<T> {
  // Parsed once per cold start: zod's generated fast path (compiled on an object's first parse)
  // would cost more to build than it could ever save here.
  const result = schema.safeParse(environment, { jitless: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`invalid configuration: ${problems.join('; ')}`);
}

/** An environment variable holding JSON, checked against `schema`. */
export function jsonVariable<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/**
 * Days events stay in the event log and invoice histories (DynamoDB TTL). Every function that
 * writes or reads the log takes it from here, so that they cannot disagree.
 */
export const EventRetentionDays = z.coerce.number().int().min(1).max(365).default(30);
