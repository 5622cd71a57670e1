import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { HISTORY_TABLE_LAYOUT } from '../../lambda/config';
import { keepFormerLogicalIds } from './former-logical-ids';

export interface DrillHistoryProps {
  /** Customer-managed key the table is encrypted with. */
  readonly encryptionKey: kms.IKey;
}

/**
 * The drill-history table: one record per drill, the audit evidence, and the lock that makes
 * reporting exactly-once. Laid out by HISTORY_TABLE_LAYOUT (lambda/config.ts), which the engine
 * reads it by; on-demand, point-in-time recovery, retained.
 */
export class DrillHistory extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DrillHistoryProps) {
    super(scope, id);
    const history = HISTORY_TABLE_LAYOUT;
    const stringKey = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'HistoryTable', {
      partitionKey: stringKey(history.partitionKey),
      sortKey: stringKey(history.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The engine's history port queries these indexes by name (HISTORY_INDEX in lambda/config.ts).
    for (const index of history.globalIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: 'sortKey' in index ? stringKey(index.sortKey) : undefined,
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    keepFormerLogicalIds(this);
  }
}
