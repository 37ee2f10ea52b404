import * as z from 'zod';

/** A connection id: lower-case letters, digits and dashes (it appears in URLs and event attributes). */
export const ConnectionId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes, at most 63 characters')
  .describe('Connection id');
