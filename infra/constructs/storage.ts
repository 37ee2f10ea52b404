import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { IDEMPOTENCY_TABLE, TABLE } from '../../shared/storage/table.ts';
import type { StageConfig } from '../stage-config.ts';
import type { InvoiceRelayFunction } from './invoice-relay-function.ts';
import { removalPolicyOf } from './removal.ts';

export interface StorageProps {
  stage: StageConfig;
  /** Encrypts both tables at rest. */
  key: IKey;
}

/**
 * The product's DynamoDB table (snapshots, histories, the event log, API keys, webhooks; keys as
 * in shared/storage/table.ts) and the webhook relay's idempotency table. On demand, encrypted with
 * the stack's key, items expire through TTL; point-in-time recovery, deletion protection and what
 * happens on stack deletion come from the stage.
 */
export class Storage extends Construct {
  readonly table: TableV2;
  readonly idempotencyTable: TableV2;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const { stage } = props;
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
      globalSecondaryIndexes: [
        {
          indexName: TABLE.index.name,
          partitionKey: text(TABLE.index.partitionKey),
          sortKey: text(TABLE.index.sortKey),
        },
      ],
    });
    this.idempotencyTable = new TableV2(this, 'IdempotencyTable', {
      ...common,
      partitionKey: text(IDEMPOTENCY_TABLE.partitionKey),
      timeToLiveAttribute: IDEMPOTENCY_TABLE.timeToLiveAttribute,
    });
  }

  /**
   * TABLE_NAME, with item reads and writes. Every function that reads the table also writes it
   * (watches, rate tokens, deliveries, snapshots), so there is no read-only variant.
   */
  bindTable(fn: InvoiceRelayFunction): void {
    fn.setVariable('TABLE_NAME', this.table.tableName);
    this.table.grantReadWriteData(fn);
  }

  /** IDEMPOTENCY_TABLE_NAME, with the reads and writes Powertools Idempotency makes. */
  bindIdempotency(fn: InvoiceRelayFunction): void {
    fn.setVariable('IDEMPOTENCY_TABLE_NAME', this.idempotencyTable.tableName);
    this.idempotencyTable.grantReadWriteData(fn);
  }
}
