/**
 * Names of the snapshot worker's metrics, shared with the stack's snapshot-lag alarms so that the
 * two cannot drift apart. Each carries the dimensions `service` and `connection`.
 */
export const SNAPSHOT_METRICS = {
  service: 'snapshot-worker',
  completed: 'SnapshotCompleted',
  changes: 'InvoiceChanges',
  published: 'EventsPublished',
  failed: 'SnapshotFailed',
  quarantined: 'QuarantinedRecords',
} as const;
