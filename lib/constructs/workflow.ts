import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { stateMachineFunctions } from '../../config/functions.ts';
import type { DataStore, ItemWrite } from './data.ts';
import { constructIdFor, HandlerFunction, PROJECT_ROOT } from './handler-function.ts';

/** The workflow definition, shared with the local stack, which runs the very same file. */
export const ASL_PATH = path.join(PROJECT_ROOT, 'statemachine', 'complaint.asl.json');

/**
 * Table writes of each function the state machine invokes, by its config id. A new task
 * function must be listed here: its permissions are a decision, not a default.
 */
export const TASK_TABLE_WRITES: Readonly<Record<string, readonly ItemWrite[]>> = {
  // The task item (conditional put, so a retried invocation is harmless) and its audit event.
  'create-task': ['dynamodb:PutItem'],
  // Closes the complaint record, then appends the audit event.
  'file-record': ['dynamodb:UpdateItem', 'dynamodb:PutItem'],
  // Appends an audit event; events are never updated.
  'record-step': ['dynamodb:PutItem'],
};

export interface WorkflowProps {
  readonly data: DataStore;
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
}

/**
 * The complaint procedure as one Standard execution per complaint: the ASL of
 * statemachine/complaint.asl.json with each `${...}` placeholder bound to the ARN of the
 * function config/functions.ts names for it.
 */
export class Workflow extends Construct {
  public readonly stateMachine: StateMachine;
  /** The task functions, by their ASL placeholder. */
  public readonly functions: ReadonlyMap<string, HandlerFunction>;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const logRetention = props.logRetention ?? RetentionDays.ONE_YEAR;

    const functions = new Map<string, HandlerFunction>();
    for (const [placeholder, spec] of stateMachineFunctions()) {
      const writes = TASK_TABLE_WRITES[spec.id];
      if (!writes) {
        throw new Error(
          `Function ${spec.id} is invoked by the state machine (${placeholder}) but has no table access declared: add it to TASK_TABLE_WRITES in lib/constructs/workflow.ts`,
        );
      }
      const handler = new HandlerFunction(this, constructIdFor(spec), {
        spec,
        logRetention,
        environment: { TABLE_NAME: props.data.table.tableName },
      });
      props.data.grantItemWrites(handler, ...writes);
      functions.set(placeholder, handler);
    }
    this.functions = functions;

    this.logGroup = new LogGroup(this, 'LogGroup', {
      // Step Functions delivers logs through CloudWatch vended logs; this prefix keeps the
      // log group's resource policy from growing with every state machine.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-complaint`,
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      comment: 'One execution per complaint, named by its reference number',
      definitionBody: DefinitionBody.fromString(readFileSync(ASL_PATH, 'utf8')),
      definitionSubstitutions: Object.fromEntries(
        [...functions].map(([placeholder, handler]) => [placeholder, handler.function.functionArn]),
      ),
      tracingEnabled: true,
      logs: {
        destination: this.logGroup,
        level: LogLevel.ALL,
        // Execution data carries owners' names and contacts; the audit trail records the steps.
        includeExecutionData: false,
      },
    });

    // Exactly the unqualified ARNs the ASL names: no `:*` version or alias wildcard.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [...functions.values()].map((handler) => handler.function.functionArn),
      }),
    );

    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the statements CDK adds for X-Ray tracing (xray:PutTraceSegments and related) and CloudWatch Logs delivery (logs:CreateLogDelivery and related), which support no resource-level permissions.',
    });
  }
}
