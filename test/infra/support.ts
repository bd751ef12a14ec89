import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { type BuildAppProps, buildApp, type ComplaintsApp } from '../../lib/app.ts';
import type { HandlerFunction } from '../../lib/constructs/handler-function.ts';

export interface Synthesized extends ComplaintsApp {
  readonly template: Template;
}

/**
 * Builds the app as `cdk synth` does, cdk-nag included, and synthesises it. Synthesis throws on
 * any unacknowledged cdk-nag finding, so every test file that calls this also fails on one.
 *
 * Handlers are bundled only when `bundle` is set: bundling runs esbuild once per handler (55 and
 * counting), which made each synthesis take minutes on a busy two-core machine, and what these
 * tests read (IAM, routes, alarms, schedules) does not depend on the code. The tests that read
 * the bundles (functions.test.ts, nag.test.ts, bundling.test.ts) and CI's `npm run synth` still
 * bundle every handler.
 */
export function synthesize(props: BuildAppProps = {}, { bundle = false } = {}): Synthesized {
  const built = buildApp(
    bundle ? props : { ...props, context: { 'aws:cdk:bundling-stacks': [], ...props.context } },
  );
  return { ...built, template: Template.fromStack(built.stack) };
}

/** The CloudFormation logical id of a construct's default resource (or of the resource itself). */
export function logicalId(construct: IConstruct): string {
  const resource = (construct.node.defaultChild ?? construct) as CfnRole;
  return Stack.of(construct).getLogicalId(resource);
}

/** `{ "Fn::GetAtt": [id, "Arn"] }`, as CloudFormation references a resource's ARN. */
export function arnOf(construct: IConstruct): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalId(construct), 'Arn'] };
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: unknown[];
  readonly Condition?: unknown;
}

/** Every statement of every policy attached to a role, with Action and Resource as arrays. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const statements: Statement[] = [];
  for (const policy of Object.values(policies)) {
    const roles = (policy.Properties.Roles ?? []) as unknown[];
    if (!roles.some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId }))) continue;
    for (const statement of policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]) {
      statements.push({
        Effect: statement.Effect as string,
        Action: [statement.Action].flat() as string[],
        Resource: [statement.Resource].flat(),
        ...(statement.Condition ? { Condition: statement.Condition } : {}),
      });
    }
  }
  return statements;
}

/** The actions a handler's role is allowed, sorted. */
export function allowedActions(template: Template, handler: HandlerFunction): string[] {
  return [
    ...new Set(
      roleStatements(template, logicalId(handler.role))
        .filter((statement) => statement.Effect === 'Allow')
        .flatMap((statement) => statement.Action),
    ),
  ].sort();
}

/** The resources a role may use an action on. */
export function resourcesFor(template: Template, roleLogicalId: string, action: string): unknown[] {
  return roleStatements(template, roleLogicalId)
    .filter((statement) => statement.Effect === 'Allow' && statement.Action.includes(action))
    .flatMap((statement) => statement.Resource);
}

/** The resource of the given type whose logical id is `id`. */
export function resource(
  template: Template,
  type: string,
  id: string,
): ReturnType<Template['findResources']>[string] {
  const found = template.findResources(type)[id];
  if (!found) throw new Error(`No ${type} with logical id ${id}`);
  return found;
}

/** Every function's role may write its own logs and send traces. */
export const BASE_ACTIONS = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];

/** What DynamoDB needs on the table's customer-managed key for a writer (CDK's grantEncryptDecrypt). */
export const TABLE_KEY_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'];

/** What a reader needs on the table's key (CDK's grantDecrypt). */
export const TABLE_KEY_READ_ACTIONS = ['kms:Decrypt'];

/** The actions lib/access.ts declares for a function, plus its logs and traces, sorted. */
export function declaredActions(handler: HandlerFunction, extra: readonly string[] = []): string[] {
  const { access } = handler.spec;
  const writes = access.tableWrites ?? [];
  const reads = [...(access.tableReads ?? []), ...(access.indexQueries?.length ? ['dynamodb:Query'] : [])];
  return [
    ...new Set([
      ...BASE_ACTIONS,
      ...(writes.length > 0 ? [...TABLE_KEY_ACTIONS, ...writes] : []),
      ...(access.directoryPointers ? [...TABLE_KEY_ACTIONS, 'dynamodb:BatchWriteItem'] : []),
      ...(access.directoryBatchWrites ? [...TABLE_KEY_ACTIONS, 'dynamodb:BatchWriteItem'] : []),
      ...(access.importJobs
        ? [...TABLE_KEY_ACTIONS, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']
        : []),
      ...(access.startDirectoryImport || access.startFaxReading ? ['lambda:InvokeFunction'] : []),
      ...(reads.length > 0 ? [...TABLE_KEY_READ_ACTIONS, ...reads] : []),
      ...(access.readRawMail ? ['s3:GetObject'] : []),
      ...(access.uploadAttachments ? ['s3:PutObject'] : []),
      ...(access.readAttachments ? ['s3:GetObject'] : []),
      ...(access.storeMailAttachments ? ['s3:PutObject'] : []),
      ...(access.readMailAttachments ? ['s3:GetObject'] : []),
      ...(access.writeReports ? ['s3:AbortMultipartUpload', 's3:PutObject'] : []),
      ...(access.readReports ? ['s3:GetObject'] : []),
      ...(access.eraseOwnerFiles ? ['s3:DeleteObject'] : []),
      ...(access.sendMail ? ['ses:SendRawEmail'] : []),
      ...(access.startWorkflow ? ['states:StartExecution'] : []),
      ...(access.answerTasks
        ? ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess']
        : []),
      ...extra,
    ]),
  ].sort();
}
