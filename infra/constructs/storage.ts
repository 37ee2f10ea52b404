import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { IDEMPOTENCY_TABLE, SECONDARY_INDEXES, TABLE } from '../../shared/storage/table.ts';
import type { StageConfig } from '../stage-config.ts';
import type { InvoiceRelayFunction } from './invoice-relay-function.ts';
import { removalPolicyOf } from './removal.ts';

export interface StorageProps {
  stage: StageConfig;
  /** Encrypts both tables at rest. */
  key: IKey;
}

/**
 * The product's DynamoDB table (snapshots, histories, the event log, API keys, webhooks; items and
 * keys in shared/storage/keys.ts, indexes in shared/storage/table.ts) and the webhook relay's
 * idempotency table. On demand, encrypted with the stack's key, items expire through TTL;
 * point-in-time recovery, deletion protection and what happens on stack deletion come from the
 * stage. Functions are granted the table by item family (function-bindings.ts).
 */
export class Storage extends Construct {
  readonly table: TableV2;
  readonly idempotencyTable: TableV2;
  readonly key: IKey;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const { stage } = props;
    this.key = props.key;
    const common = {
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.customerManagedKey(props.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: stage.storage.pointInTimeRecovery },
      deletionProtection: stage.storage.deletionProtection,
      removalPolicy: removalPolicyOf(stage),
    };
    const text = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new TableV2(this, 'Table', {
      ...common,
      partitionKey: text(TABLE.partitionKey),
      sortKey: text(TABLE.sortKey),
      timeToLiveAttribute: TABLE.timeToLiveAttribute,
      globalSecondaryIndexes: SECONDARY_INDEXES.map((index) => ({
        indexName: index.name,
        partitionKey: text(index.partitionKey),
        sortKey: text(index.sortKey),
      })),
    });
    this.idempotencyTable = new TableV2(this, 'IdempotencyTable', {
      ...common,
      partitionKey: text(IDEMPOTENCY_TABLE.partitionKey),
      timeToLiveAttribute: IDEMPOTENCY_TABLE.timeToLiveAttribute,
    });
  }

  /** IDEMPOTENCY_TABLE_NAME, with the reads and writes Powertools Idempotency makes. */
  bindIdempotency(fn: InvoiceRelayFunction): void {
    fn.setVariable('IDEMPOTENCY_TABLE_NAME', this.idempotencyTable.tableName);
    this.idempotencyTable.grantReadWriteData(fn);
  }
}
