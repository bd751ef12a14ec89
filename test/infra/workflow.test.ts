import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { stateMachineFunctions } from '#config/functions.ts';
import { ASL_PATH } from '../../lib/constructs/workflow.ts';
import {
  allowedActions,
  arnOf,
  declaredActions,
  logicalId,
  resource,
  resourcesFor,
  type Synthesized,
  synthesize,
} from './support.ts';

let built: Synthesized;
let stateMachine: ReturnType<typeof resource>;
beforeAll(() => {
  built = synthesize();
  stateMachine = resource(
    built.template,
    'AWS::StepFunctions::StateMachine',
    logicalId(built.stack.workflow.stateMachine),
  );
});

const aslText = readFileSync(ASL_PATH, 'utf8');
const aslPlaceholders = () =>
  new Set([...aslText.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]));

describe('the complaint state machine', () => {
  it('is a Standard state machine whose definition is the ASL file, state for state', () => {
    expect(stateMachine.Properties.StateMachineType).toBe('STANDARD');
    const deployed = JSON.parse(stateMachine.Properties.DefinitionString as string);
    const file = JSON.parse(aslText);
    expect(deployed.StartAt).toBe(file.StartAt);
    expect(Object.keys(deployed.States)).toEqual(Object.keys(file.States));
    expect(deployed).toEqual(file);
  });

  it('substitutes exactly the placeholders the ASL uses', () => {
    const substitutions = stateMachine.Properties.DefinitionSubstitutions as Record<string, unknown>;
    expect(Object.keys(substitutions).sort()).toEqual([...aslPlaceholders()].sort());
    expect(Object.keys(substitutions).sort()).toEqual([...stateMachineFunctions().keys()].sort());
  });

  it('binds each placeholder to the ARN of the function config/functions.ts names for it', () => {
    const substitutions = stateMachine.Properties.DefinitionSubstitutions as Record<string, unknown>;
    for (const [placeholder, spec] of stateMachineFunctions()) {
      const handler = built.stack.workflow.functions.get(placeholder);
      expect(handler?.spec).toBe(spec);
      if (!handler) continue;
      expect(substitutions[placeholder]).toEqual(arnOf(handler.function));
      const fn = resource(built.template, 'AWS::Lambda::Function', logicalId(handler.function));
      expect(fn.Properties.Description).toBe(spec.description);
    }
  });

  it('logs ALL events to its own log group and traces with X-Ray', () => {
    expect(stateMachine.Properties.LoggingConfiguration).toEqual({
      Level: 'ALL',
      IncludeExecutionData: false,
      Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: arnOf(built.stack.workflow.logGroup) } }],
    });
    expect(stateMachine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    const logGroup = resource(
      built.template,
      'AWS::Logs::LogGroup',
      logicalId(built.stack.workflow.logGroup),
    );
    expect(logGroup.Properties).toEqual({
      LogGroupName: '/aws/vendedlogs/states/EstateComplaints-complaint',
      RetentionInDays: 365,
    });
  });

  it('may invoke exactly its task functions, by their unqualified ARNs', () => {
    const roleId = logicalId(built.stack.workflow.stateMachine.role);
    const invocable = resourcesFor(built.template, roleId, 'lambda:InvokeFunction');
    const expected = [...built.stack.workflow.functions.values()].map((handler) => arnOf(handler.function));
    expect(invocable).toHaveLength(expected.length);
    expect(invocable).toEqual(expect.arrayContaining(expected));
  });
});

describe('the workflow alarms', () => {
  it('alarm ops on the first failed or timed-out execution', () => {
    for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metricName,
        Dimensions: [
          { Name: 'StateMachineArn', Value: { Ref: logicalId(built.stack.workflow.stateMachine) } },
        ],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: logicalId(built.stack.alarms.topic) }],
      });
    }
  });
});

describe('the task functions', () => {
  const handlers = () => [...built.stack.workflow.functions.values()];

  it('find the table through TABLE_NAME and may write to it exactly as lib/access.ts declares', () => {
    for (const handler of handlers()) {
      const writes = handler.spec.access.tableWrites ?? [];
      if (writes.length === 0) continue;
      const fn = resource(built.template, 'AWS::Lambda::Function', logicalId(handler.function));
      expect(fn.Properties.Environment.Variables.TABLE_NAME).toEqual({
        Ref: logicalId(built.stack.data.table),
      });
      expect(allowedActions(built.template, handler)).toEqual(declaredActions(handler));
      const roleId = logicalId(handler.role);
      for (const write of writes) {
        expect(resourcesFor(built.template, roleId, write)).toEqual([arnOf(built.stack.data.table)]);
      }
      const keyResources = resourcesFor(built.template, roleId, 'kms:Decrypt').map((r) => JSON.stringify(r));
      expect([...new Set(keyResources)]).toEqual([JSON.stringify(arnOf(built.stack.data.key))]);
    }
  });

  it('let create-task put items on the table, with no S3 access and no deletes', () => {
    const createTask = handlers().find((handler) => handler.spec.id === 'create-task');
    expect(createTask).toBeDefined();
    if (!createTask) return;
    const actions = allowedActions(built.template, createTask);
    expect(actions).toContain('dynamodb:PutItem');
    expect(resourcesFor(built.template, logicalId(createTask.role), 'dynamodb:PutItem')).toEqual([
      arnOf(built.stack.data.table),
    ]);
    expect(actions.filter((action) => action.startsWith('s3:'))).toEqual([]);
    expect(actions).not.toContain('dynamodb:DeleteItem');
  });
});
