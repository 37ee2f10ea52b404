import * as z from 'zod';
import { ConnectionConfigs } from '../connections/connection-config.ts';
import { EventRetentionDays, jsonVariable } from './environment.ts';

/** What the snapshot workers read at cold start (set by the CDK stack and the local runtime). */
export const SnapshotEnvironment = z.object({
  TABLE_NAME: z.string().min(1),
  CONNECTIONS: jsonVariable(ConnectionConfigs),
  SNAPSHOT_QUEUE_URL: z.string().min(1),
  EVENTS_TOPIC_ARN: z.string().min(1),
  EVENT_RETENTION_DAYS: EventRetentionDays,
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** A run's lease, renewed by its heartbeat every third of it: a crashed run blocks its connection this long. */
  SNAPSHOT_LEASE_SECONDS: z.coerce.number().int().positive().default(60),
  SNAPSHOT_PAGE_SIZE: z.coerce.number().int().min(1).max(100).default(100),
  /** Hand over to a continuation message when less than this remains of the invocation. */
  SNAPSHOT_SAFETY_MARGIN_SECONDS: z.coerce.number().min(0).default(30),
});
export type SnapshotEnvironment = z.infer<typeof SnapshotEnvironment>;
