import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Annotations, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { stateMachineFunctions } from '#config/functions.ts';
import { applyAccess } from '../access.ts';
import type { Settings } from '../deploy-settings.ts';
import type { DataStore } from './data.ts';
import { constructIdFor, HandlerFunction, PROJECT_ROOT } from './handler-function.ts';

/** The workflow definition, shared with the local stack, which runs the very same file. */
export const ASL_PATH = path.join(PROJECT_ROOT, 'statemachine', 'complaint.asl.json');

export interface WorkflowProps {
  readonly data: DataStore;
  /** Deployment settings (lib/deploy-settings.ts): addresses, links and workflow settings for the handlers. */
  readonly settings: Settings;
  /** The ASL document. @default ASL_PATH, statemachine/complaint.asl.json */
  readonly definitionPath?: string;
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
      const handler = new HandlerFunction(this, constructIdFor(spec), { spec, logRetention });
      applyAccess(handler, { data: props.data, settings: props.settings });
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

    const definitionPath = props.definitionPath ?? ASL_PATH;
    const definition = readFileSync(definitionPath, 'utf8');
    checkPlaceholders(this, definitionPath, definition, functions);

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      comment: 'One execution per complaint, named by its reference number',
      definitionBody: DefinitionBody.fromString(definition),
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

/** The `${Name}` placeholders of an ASL document. */
export function aslPlaceholders(definition: string): Set<string> {
  return new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1] ?? ''));
}

/**
 * A placeholder without a function would reach CloudFormation as literal `${...}` and fail
 * the deployment, so it stops synth here; a function the ASL never invokes only warns.
 */
function checkPlaceholders(
  scope: Construct,
  definitionPath: string,
  definition: string,
  functions: ReadonlyMap<string, unknown>,
): void {
  const used = aslPlaceholders(definition);
  const unbound = [...used].filter((name) => !functions.has(name));
  if (unbound.length > 0) {
    throw new Error(
      `${path.relative(PROJECT_ROOT, definitionPath)} uses ${unbound.map((name) => `\${${name}}`).join(', ')}, which no function of config/functions.ts declares as its placeholder`,
    );
  }
  const unused = [...functions.keys()].filter((name) => !used.has(name));
  if (unused.length > 0) {
    Annotations.of(scope).addWarningV2(
      'complaints:unused-task-function',
      `config/functions.ts declares ${unused.join(', ')} for the state machine, but the ASL never uses them`,
    );
  }
}
