/**
 * Every item of the product's table, and its keys, in one place. Stores build keys only through
 * these functions, and the stack scopes each function's IAM to the partitions it names
 * (`dynamodb:LeadingKeys`), so a key prefix cannot drift between writer, reader and policy.
 *
 * | item              | pk                              | sk                                 | index entries |
 * |-------------------|---------------------------------|------------------------------------|---------------|
 * | API key           | `APIKEY#<sha256 of the key>`    | `APIKEY`                           | gsi1 `APIKEYS` / `<keyId>` |
 * | invoice snapshot  | `CONN#<connection>`             | `INV#<remoteId>`                   | gsi1 `OUTBOX#<connection>` / `<remoteId>` while events are unpublished; gsi2 `CHANGES#<connection>` / `<changedAt>#<remoteId>` while followed |
 * | order membership  | `CONN#<connection>`             | `ORDER#<orderId>#<remoteId>`       | |
 * | run state         | `CONN#<connection>`             | `RUN`                              | |
 * | walk checkpoint   | `CONN#<connection>`             | `WALK#<runId>#<chunk>`             | (expires) |
 * | history event     | `EVT#<connection>#<remoteId>`   | `SEQ#<sequence>#<eventId>`         | gsi2 `LOG#<connection>` / `<loggedAt>#<place>#<eventId>` (expires) |
 * | watch             | `WATCH#<connection>`            | `<kind>#<id>#<tenant>`             | |
 * | watch count       | `WATCHQUOTA#<tenant>`           | `<connection>`                     | |
 * | webhook endpoint  | `TENANT#<tenant>`               | `WEBHOOK#<endpointId>`             | |
 * | endpoint route    | `ROUTE#<connection>` or `ROUTE#*` | `<endpointId>`                   | |
 * | delivery          | `WEBHOOK#<endpointId>`          | `DELIVERY#<deliveryId>`            | gsi1 `DUE#<shard>` / `<dueAt>#<endpointId>#<deliveryId>` while pending (expires) |
 * | delivery attempt  | `WEBHOOK#<endpointId>`          | `ATTEMPT#<at>#<deliveryId>#<n>`    | (expires) |
 * | rate window       | `WEBHOOK#<endpointId>`          | `RATE#<epoch second>`              | (expires) |
 * | recover cooldown  | `WEBHOOK#<endpointId>`          | `RECOVER`                          | |
 *
 * Partitions are chosen so that no single one carries a multi-tenant load: invoices, runs and
 * both timelines are per connection, histories per invoice, endpoints per tenant, routes per
 * connection, deliveries per endpoint, and due deliveries spread over `DUE_SHARDS` partitions.
 */

/** Partition key prefixes, by the family of items they hold (the IAM policies name these). */
export const PARTITION = {
  apiKey: 'APIKEY#',
  connection: 'CONN#',
  history: 'EVT#',
  watch: 'WATCH#',
  watchQuota: 'WATCHQUOTA#',
  tenant: 'TENANT#',
  route: 'ROUTE#',
  webhook: 'WEBHOOK#',
} as const;
export type PartitionFamily = keyof typeof PARTITION;

export interface ItemKey {
  pk: string;
  sk: string;
}

/** Sequences are zero-padded so that sort keys order them numerically. */
const pad = (value: number, width: number) => String(value).padStart(width, '0');

export const keys = {
  apiKey: (sha256: string): ItemKey => ({ pk: `${PARTITION.apiKey}${sha256}`, sk: 'APIKEY' }),

  connection: (connection: string) => `${PARTITION.connection}${connection}`,
  snapshot: (connection: string, remoteId: string): ItemKey => ({
    pk: keys.connection(connection),
    sk: `${SORT.snapshot}${remoteId}`,
  }),
  orderMember: (connection: string, orderId: string, remoteId: string): ItemKey => ({
    pk: keys.connection(connection),
    sk: `${SORT.order}${orderId}#${remoteId}`,
  }),
  run: (connection: string): ItemKey => ({ pk: keys.connection(connection), sk: 'RUN' }),
  walkChunk: (connection: string, runId: string, chunk: number): ItemKey => ({
    pk: keys.connection(connection),
    sk: `${SORT.walk}${runId}#${pad(chunk, 6)}`,
  }),

  history: (connection: string, remoteId: string) => `${PARTITION.history}${connection}#${remoteId}`,
  historyEvent: (connection: string, remoteId: string, sequence: number, eventId: string): ItemKey => ({
    pk: keys.history(connection, remoteId),
    sk: `${SORT.sequence}${pad(sequence, 10)}#${eventId}`,
  }),

  watches: (connection: string) => `${PARTITION.watch}${connection}`,
  watch: (connection: string, watchKey: string, tenant: string): ItemKey => ({
    pk: keys.watches(connection),
    sk: `${watchKey}#${tenant}`,
  }),
  watchQuota: (tenant: string, connection: string): ItemKey => ({
    pk: `${PARTITION.watchQuota}${tenant}`,
    sk: connection,
  }),

  tenant: (tenant: string) => `${PARTITION.tenant}${tenant}`,
  endpoint: (tenant: string, endpointId: string): ItemKey => ({
    pk: keys.tenant(tenant),
    sk: `${SORT.webhook}${endpointId}`,
  }),
  /** Where the fan-out finds the endpoints of a connection ('*': endpoints of all-access keys). */
  routes: (connection: string | '*') => `${PARTITION.route}${connection}`,
  route: (connection: string | '*', endpointId: string): ItemKey => ({
    pk: keys.routes(connection),
    sk: endpointId,
  }),

  webhook: (endpointId: string) => `${PARTITION.webhook}${endpointId}`,
  delivery: (endpointId: string, deliveryId: string): ItemKey => ({
    pk: keys.webhook(endpointId),
    sk: `${SORT.delivery}${deliveryId}`,
  }),
  attempt: (endpointId: string, at: string, deliveryId: string, attempt: number): ItemKey => ({
    pk: keys.webhook(endpointId),
    sk: `${SORT.attempt}${at}#${deliveryId}#${attempt}`,
  }),
  rateWindow: (endpointId: string, second: number): ItemKey => ({
    pk: keys.webhook(endpointId),
    sk: `${SORT.rate}${second}`,
  }),
  recoverCooldown: (endpointId: string): ItemKey => ({ pk: keys.webhook(endpointId), sk: 'RECOVER' }),
} as const;

/** Sort key prefixes inside a partition. */
export const SORT = {
  snapshot: 'INV#',
  order: 'ORDER#',
  walk: 'WALK#',
  sequence: 'SEQ#',
  webhook: 'WEBHOOK#',
  delivery: 'DELIVERY#',
  attempt: 'ATTEMPT#',
  rate: 'RATE#',
} as const;

/** How many partitions the due-deliveries listing is spread over (the reconciler reads them all). */
export const DUE_SHARDS = 8;

/** Partition values of the secondary indexes. */
export const indexKeys = {
  apiKeys: 'APIKEYS',
  outbox: (connection: string) => `OUTBOX#${connection}`,
  changes: (connection: string) => `CHANGES#${connection}`,
  changeSortKey: (changedAt: string, remoteId: string) => `${changedAt}#${remoteId}`,
  log: (connection: string) => `LOG#${connection}`,
  /** The place in a log append keeps an invoice's events of one moment in sequence order. */
  logSortKey: (loggedAt: string, place: number, eventId: string) =>
    `${loggedAt}#${String(place).padStart(5, '0')}#${eventId}`,
  due: (shard: number) => `DUE#${shard}`,
  dueSortKey: (dueAt: string, endpointId: string, deliveryId: string) =>
    `${dueAt}#${endpointId}#${deliveryId}`,
} as const;
