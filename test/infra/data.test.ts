import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE } from '#config/table.ts';
import { arnOf, logicalId, resource, type Synthesized, synthesize } from './support.ts';

let built: Synthesized;
beforeAll(() => {
  built = synthesize();
});

describe('the complaints table', () => {
  it('is the one table, keyed by PK/SK as config/table.ts declares', () => {
    built.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    built.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('has the three indexes of config/table.ts, projecting all attributes', () => {
    const table = resource(built.template, 'AWS::DynamoDB::Table', logicalId(built.stack.data.table));
    const indexes = table.Properties.GlobalSecondaryIndexes as { IndexName: string }[];
    expect(indexes.map((index) => index.IndexName).sort()).toEqual(
      TABLE.indexes.map((index) => index.name).sort(),
    );
    for (const index of TABLE.indexes) {
      expect(indexes).toContainEqual({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      });
    }
    const attributes = table.Properties.AttributeDefinitions as {
      AttributeName: string;
      AttributeType: string;
    }[];
    for (const name of TABLE.indexes.flatMap((index) => [index.partitionKey, index.sortKey])) {
      expect(attributes).toContainEqual({ AttributeName: name, AttributeType: 'S' });
    }
  });

  it('keeps point-in-time recovery, deletion protection, and survives stack deletion', () => {
    built.template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('is encrypted with its own customer-managed key, which rotates', () => {
    built.template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arnOf(built.stack.data.key) },
    });
    built.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });
});

describe('the mail buckets', () => {
  const mailBuckets = () => [built.stack.data.rawMailBucket, built.stack.data.attachmentsBucket];
  const allBuckets = () => [...mailBuckets(), built.stack.data.accessLogsBucket];

  it('block all public access and are encrypted at rest', () => {
    for (const bucket of allBuckets()) {
      const { Properties } = resource(built.template, 'AWS::S3::Bucket', logicalId(bucket));
      expect(Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(
        Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
      ).toEqual({
        SSEAlgorithm: 'AES256',
      });
    }
  });

  it('refuse requests without TLS', () => {
    for (const bucket of allBuckets()) {
      built.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(bucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('log their server access to the access-log bucket, and are versioned', () => {
    for (const bucket of mailBuckets()) {
      const { Properties } = resource(built.template, 'AWS::S3::Bucket', logicalId(bucket));
      expect(Properties.LoggingConfiguration.DestinationBucketName).toEqual({
        Ref: logicalId(built.stack.data.accessLogsBucket),
      });
      expect(Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    }
  });

  it('are retained when the stack is deleted', () => {
    for (const bucket of allBuckets()) {
      expect(resource(built.template, 'AWS::S3::Bucket', logicalId(bucket)).DeletionPolicy).toBe('Retain');
    }
  });
});
