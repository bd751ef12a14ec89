import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { IndexName, ItemRead, ItemWrite } from '#config/function-access.ts';
import { TABLE } from '#config/table.ts';
import {
  DIRECTORY_POINTER_PREFIXES,
  ESTATE_PARTITION_PREFIX,
  IMPORT_JOB_PK_PREFIX,
} from '#domain/directory/keys.ts';

export interface DataStoreProps {
  /**
   * What happens to the table, key and buckets when the stack is deleted. Complaint records
   * and raw mail are the company's records of the procedure: they outlive the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * A fixed name for the raw-mail bucket, where another region's stack must write to it (the
   * forwarder of a split deployment, lib/intake-region-stack.ts). @default - generated
   */
  readonly rawMailBucketName?: string;
}

/**
 * Where the product keeps its data: the single DynamoDB table (complaints, tasks,
 * correspondence, audit trail; see config/table.ts), encrypted with a customer-managed key,
 * and the buckets for raw inbound mail and attachments, which log their access to a third.
 */
export class DataStore extends Construct {
  public readonly key: Key;
  public readonly table: Table;
  /** Raw MIME messages as SES stores them (under `incoming/`). */
  public readonly rawMailBucket: Bucket;
  /** Attachments extracted from mail (fax PDFs and TIFFs, photos). */
  public readonly attachmentsBucket: Bucket;
  /** Server access logs of the two mail buckets. */
  public readonly accessLogsBucket: Bucket;
  /** The periodic analysis reports (HTML, CSV, figures) under `reports/<id>/`. */
  public readonly reportsBucket: Bucket;

  constructor(scope: Construct, id: string, props: DataStoreProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.key = new Key(this, 'TableKey', {
      description: 'Encrypts the complaints table: owners’ names, contacts and the audit trail',
      enableKeyRotation: true,
      removalPolicy,
    });

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      removalPolicy,
    });
    for (const index of TABLE.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    // S3 server access logging cannot deliver to a KMS-encrypted bucket, hence SSE-S3 here.
    // cdk-nag counts a bucket that receives other buckets' access logs as logged (S1).
    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      ...secureBucketDefaults(removalPolicy),
      versioned: false,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(400) }],
    });

    this.rawMailBucket = new Bucket(this, 'RawMailBucket', {
      ...secureBucketDefaults(removalPolicy),
      ...(props.rawMailBucketName ? { bucketName: props.rawMailBucketName } : {}),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'raw-mail/',
    });
    this.attachmentsBucket = new Bucket(this, 'AttachmentsBucket', {
      ...secureBucketDefaults(removalPolicy),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'attachments/',
    });
    // Reports name owners (repeat complainants): as private as the mail they come from.
    this.reportsBucket = new Bucket(this, 'ReportsBucket', {
      ...secureBucketDefaults(removalPolicy),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'reports/',
    });
  }

  /**
   * Grants item reads on the table itself (not its indexes), and decryption with its key.
   */
  public grantItemReads(grantee: IGrantable, ...actions: readonly ItemRead[]): void {
    if (actions.length === 0) throw new Error('grantItemReads needs at least one action');
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...new Set(actions)], resources: [this.table.tableArn] }),
    );
    this.key.grantDecrypt(grantee);
  }

  /** Grants Query on the named indexes only (each by its ARN, never `index/*`). */
  public grantIndexQueries(grantee: IGrantable, ...indexes: readonly IndexName[]): void {
    if (indexes.length === 0) throw new Error('grantIndexQueries needs at least one index');
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [...new Set(indexes)].map((index) => `${this.table.tableArn}/index/${index}`),
      }),
    );
    this.key.grantDecrypt(grantee);
  }

  /**
   * Grants BatchWriteItem (puts and deletes) on the estate register's derived pointers only:
   * items whose partition key starts with one of DIRECTORY_POINTER_PREFIXES (`dynamodb:LeadingKeys`
   * on every item of the request), so the grant that may delete cannot reach a complaint, its
   * audit trail or a unit.
   */
  public grantDirectoryPointerWrites(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:BatchWriteItem'],
        resources: [this.table.tableArn],
        conditions: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': DIRECTORY_POINTER_PREFIXES.map((prefix) => `${prefix}*`),
          },
        },
      }),
    );
    this.grantKeyForWrites(grantee);
  }

  /**
   * BatchWriteItem on the estates' partitions only (their units and audit lines, `ESTATE#…`):
   * the register's bulk import. Not on complaints, their audit trails or anything else.
   */
  public grantEstateBatchWrites(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:BatchWriteItem'],
        resources: [this.table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ESTATE_PARTITION_PREFIX}*`] },
        },
      }),
    );
    this.grantKeyForWrites(grantee);
  }

  /**
   * GetItem, PutItem and UpdateItem on the register import's jobs only (`IMPORTJOB#…`): the
   * import's starter records a job, its worker moves it on.
   */
  public grantImportJobs(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [this.table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${IMPORT_JOB_PK_PREFIX}*`] },
        },
      }),
    );
    this.grantKeyForWrites(grantee);
  }

  /**
   * Grants item writes on the table, and nothing on its indexes (writes go to the table), plus
   * use of the table's key, which DynamoDB calls on the writer's behalf.
   */
  public grantItemWrites(grantee: IGrantable, ...actions: readonly ItemWrite[]): void {
    if (actions.length === 0) throw new Error('grantItemWrites needs at least one action');
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...new Set(actions)], resources: [this.table.tableArn] }),
    );
    this.grantKeyForWrites(grantee);
  }

  /** Use of the table's key for writes, which DynamoDB calls on the writer's behalf. */
  private grantKeyForWrites(grantee: IGrantable): void {
    this.key.grantEncryptDecrypt(grantee);
    if (grantee instanceof Construct) {
      const reason =
        'CDK grantEncryptDecrypt on the one table key, the key actions DynamoDB needs for writes to a CMK-encrypted table; the wildcard only spans the variants of that action.';
      Validations.of(grantee).acknowledge(
        { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason },
        { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason },
      );
    }
  }
}

/**
 * Mail holds owners' personal data: encrypted, TLS only, never public, ACLs disabled,
 * versioned so an overwrite or delete can be undone for a while.
 */
function secureBucketDefaults(removalPolicy: RemovalPolicy): BucketProps {
  return {
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    lifecycleRules: [{ id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(90) }],
    removalPolicy,
  };
}
