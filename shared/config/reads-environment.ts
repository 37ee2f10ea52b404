import { ApiEnvironment, CursorKey } from './api-environment.ts';
import { EventRetentionDays } from './environment.ts';

/** The reads function serves the event log, histories, snapshot reads and connection status. */
export const ReadsEnvironment = ApiEnvironment.extend({
  ...CursorKey,
  /** Days events stay in the log and in histories (DynamoDB TTL). */
  EVENT_RETENTION_DAYS: EventRetentionDays,
});
