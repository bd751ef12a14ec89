import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LocalHandler } from '../../local/runtime/lambda-runtime.ts';
import { LocalStepFunctions, saveExecution } from '../../local/stepfunctions/engine.ts';

/**
 * The operations an ops engineer runs against Step Functions (the runbook's), as the local
 * engine answers them: RedriveExecution's rules, the deployed definition, opaque paging.
 */
const FN = 'arn:aws:lambda:us-east-1:000000000000:function:work';

/** A step that fails until told otherwise, then a step waiting for a person. */
function machine(options: { catchInto?: string } = {}) {
  return JSON.stringify({
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Result: { prepared: true }, ResultPath: '$.prepared', Next: 'Flaky step' },
      'Flaky step': {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: '${WorkArn}', 'Payload.$': '$' },
        ResultPath: null,
        ...(options.catchInto
          ? { Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: options.catchInto }] }
          : {}),
        Next: 'Wait for staff',
      },
      'Wait for staff': {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: '${WorkArn}', Payload: { 'token.$': '$$.Task.Token' } },
        End: true,
      },
      ...(options.catchInto
        ? { [options.catchInto]: { Type: 'Fail', Error: 'WorkflowFailed', Cause: 'A step failed' } }
        : {}),
    },
  });
}

function engine(definition: string, handler: LocalHandler, persistDir?: string) {
  return new LocalStepFunctions({
    definition,
    substitutions: { WorkArn: FN },
    handlers: new Map([['work', handler]]),
    stateMachineName: 'ops',
    ...(persistDir ? { persistDir } : {}),
  });
}

class StepError extends Error {
  override name = 'StepError';
}

describe('RedriveExecution on the local engine', () => {
  it('carries a FAILED execution on from the state that failed, with its input, in the same execution', async () => {
    let failing = true;
    const seen: unknown[] = [];
    const handler: LocalHandler = async (event) => {
      if ((event as { token?: string }).token) return {};
      seen.push(event);
      if (failing) throw new StepError('the department mailbox is down');
      return {};
    };
    const sfn = engine(machine(), handler);
    const { executionArn } = sfn.startExecution({
      stateMachineArn: sfn.stateMachineArn,
      name: 'KE-2612-0001',
      input: JSON.stringify({ ref: 'KE-2612-0001' }),
    });
    const failed = await sfn.whenSettled(executionArn);
    expect(failed.status).toBe('FAILED');
    expect(sfn.describeExecution({ executionArn })).toMatchObject({
      redriveStatus: 'REDRIVABLE',
      redriveCount: 0,
    });

    failing = false;
    const waiting = once(sfn.events, 'task-waiting');
    const { redriveDate } = await sfn.redriveExecution({ executionArn });
    expect(typeof redriveDate).toBe('string');
    await waiting;
    const described = sfn.describeExecution({ executionArn });
    expect(described).toMatchObject({ status: 'RUNNING', redriveCount: 1, redriveDate });
    expect(described).not.toHaveProperty('error');
    // The failed state ran again with the input it had (Prepare did not run again).
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual(seen[0]);
    const types = sfn.getExecutionHistory({ executionArn, maxResults: 1000 }).events.map((e) => e.type);
    expect(types.filter((t) => t === 'ExecutionStarted')).toHaveLength(1);
    expect(types.filter((t) => t === 'PassStateEntered')).toHaveLength(1);
    expect(types).toContain('ExecutionRedriven');
    expect(types.indexOf('ExecutionRedriven')).toBeGreaterThan(types.indexOf('ExecutionFailed'));
    expect(sfn.listExecutions({ redriveFilter: 'REDRIVEN' }).executions.map((e) => e.name)).toEqual([
      'KE-2612-0001',
    ]);
    expect(sfn.listExecutions({ redriveFilter: 'NOT_REDRIVEN' }).executions).toEqual([]);
    sfn.shutdown();
  });

  it('fails again at a Fail state the Catch led to, as AWS does (the runbook starts a new execution instead)', async () => {
    const sfn = engine(machine({ catchInto: 'Workflow failed' }), async (event) => {
      if ((event as { token?: string }).token) return {};
      throw new StepError('still broken');
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn: sfn.stateMachineArn, input: '{}' });
    expect((await sfn.whenSettled(executionArn)).error).toBe('WorkflowFailed');
    await sfn.redriveExecution({ executionArn });
    const again = await sfn.whenSettled(executionArn);
    expect(again).toMatchObject({ status: 'FAILED', error: 'WorkflowFailed', redriveCount: 1 });
    const entered = sfn
      .getExecutionHistory({ executionArn, maxResults: 1000 })
      .events.filter((e) => e.type.endsWith('StateEntered'))
      .map((e) => (e as { stateEnteredEventDetails?: { name: string } }).stateEnteredEventDetails?.name);
    expect(entered).toEqual(['Prepare', 'Flaky step', 'Workflow failed', 'Workflow failed']);
    sfn.shutdown();
  });

  it('reopens a stopped (ABORTED) human step with a new token; the old one is dead', async () => {
    const sfn = engine(machine(), async () => ({}));
    const first = once(sfn.events, 'task-waiting');
    const { executionArn } = sfn.startExecution({ stateMachineArn: sfn.stateMachineArn, input: '{}' });
    const [oldTask] = await first;
    sfn.stopExecution({ executionArn, cause: 'stopped by mistake' });
    const second = once(sfn.events, 'task-waiting');
    await sfn.redriveExecution({ executionArn });
    const [newTask] = await second;
    expect(newTask.token).not.toBe(oldTask.token);
    expect(() => sfn.sendTaskSuccess({ taskToken: oldTask.token, output: '{}' })).toThrow();
    sfn.sendTaskSuccess({ taskToken: newTask.token, output: '{}' });
    expect((await sfn.whenSettled(executionArn)).status).toBe('SUCCEEDED');
    sfn.shutdown();
  });

  it('refuses what AWS refuses: a running or succeeded execution, one stopped over 14 days ago, an unknown one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfn-redrive-'));
    const day = 24 * 3600 * 1000;
    const stopped = (name: string, daysAgo: number) => ({
      executionArn: `arn:aws:states:us-east-1:000000000000:execution:ops:${name}`,
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:ops',
      name,
      input: '{}',
      status: 'FAILED' as const,
      startDate: new Date(Date.now() - daysAgo * day - 60_000).toISOString(),
      stopDate: new Date(Date.now() - daysAgo * day).toISOString(),
      error: 'StepError',
      cause: 'x',
      history: [
        {
          id: 1,
          previousEventId: 0,
          timestamp: new Date(Date.now() - daysAgo * day).toISOString(),
          type: 'TaskStateEntered',
          details: { stateEnteredEventDetails: { name: 'Flaky step', input: '{}' } },
        },
      ],
    });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'executions'), { recursive: true });
    saveExecution(join(dir, 'executions'), stopped('old', 15));
    saveExecution(join(dir, 'executions'), stopped('recent', 13));
    const sfn = engine(machine(), async () => ({}), dir);

    const old = `arn:aws:states:us-east-1:000000000000:execution:ops:old`;
    expect(sfn.describeExecution({ executionArn: old })).toMatchObject({
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: expect.stringContaining('14 days'),
    });
    await expect(sfn.redriveExecution({ executionArn: old })).rejects.toMatchObject({
      type: 'ExecutionNotRedrivable',
    });
    await expect(
      sfn.redriveExecution({ executionArn: `arn:aws:states:us-east-1:000000000000:execution:ops:none` }),
    ).rejects.toMatchObject({ type: 'ExecutionDoesNotExist' });

    const waiting = once(sfn.events, 'task-waiting');
    await sfn.redriveExecution({
      executionArn: `arn:aws:states:us-east-1:000000000000:execution:ops:recent`,
    });
    const [task] = await waiting;
    await expect(
      sfn.redriveExecution({ executionArn: `arn:aws:states:us-east-1:000000000000:execution:ops:recent` }),
    ).rejects.toMatchObject({ type: 'ExecutionNotRedrivable', message: expect.stringContaining('RUNNING') });
    sfn.sendTaskSuccess({ taskToken: task.token, output: '{}' });
    await sfn.whenSettled(`arn:aws:states:us-east-1:000000000000:execution:ops:recent`);
    await expect(
      sfn.redriveExecution({ executionArn: `arn:aws:states:us-east-1:000000000000:execution:ops:recent` }),
    ).rejects.toMatchObject({
      type: 'ExecutionNotRedrivable',
      message: expect.stringContaining('SUCCEEDED'),
    });
    sfn.shutdown();
  });
});

describe('listing and describing on the local engine', () => {
  it('pages executions and history with opaque tokens, and refuses forged ones and oversized pages', async () => {
    const sfn = engine(machine(), async () => ({}));
    const names = ['A-1', 'A-2', 'A-3'];
    for (const name of names) {
      const waiting = once(sfn.events, 'task-waiting');
      sfn.startExecution({ stateMachineArn: sfn.stateMachineArn, name, input: '{}' });
      await waiting;
    }
    const first = sfn.listExecutions({ stateMachineArn: sfn.stateMachineArn, maxResults: 2 });
    expect(first.executions).toHaveLength(2);
    expect(first.nextToken).toBeDefined();
    const second = sfn.listExecutions({
      stateMachineArn: sfn.stateMachineArn,
      maxResults: 2,
      nextToken: first.nextToken,
    });
    expect(second.nextToken).toBeUndefined();
    expect([...first.executions, ...second.executions].map((e) => e.name).sort()).toEqual(names);

    expect(() => sfn.listExecutions({ nextToken: '2' })).toThrow(
      expect.objectContaining({ type: 'InvalidToken' }),
    );
    expect(() => sfn.listExecutions({ maxResults: 1001 })).toThrow(
      expect.objectContaining({ type: 'ValidationException' }),
    );
    expect(() => sfn.listExecutions({ statusFilter: 'DONE' as never })).toThrow(
      expect.objectContaining({ type: 'ValidationException' }),
    );
    sfn.stopExecution({ executionArn: `arn:aws:states:us-east-1:000000000000:execution:ops:A-2` });
    expect(sfn.listExecutions({ statusFilter: 'ABORTED' }).executions.map((e) => e.name)).toEqual(['A-2']);

    const executionArn = `arn:aws:states:us-east-1:000000000000:execution:ops:A-1`;
    const whole = sfn.getExecutionHistory({ executionArn }).events;
    const paged: unknown[] = [];
    let nextToken: string | undefined;
    do {
      const page = sfn.getExecutionHistory({
        executionArn,
        maxResults: 2,
        ...(nextToken ? { nextToken } : {}),
      });
      paged.push(...page.events);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(paged).toEqual(whole);
    // A token of one call is not a token of another.
    const listToken = first.nextToken as string;
    expect(() => sfn.getExecutionHistory({ executionArn, nextToken: listToken })).toThrow(
      expect.objectContaining({ type: 'InvalidToken' }),
    );
    const lean = sfn.getExecutionHistory({ executionArn, includeExecutionData: false }).events;
    expect(JSON.stringify(lean)).not.toContain('"input"');
    sfn.shutdown();
  });

  it('describes the state machine with the definition as deployed (placeholders substituted)', async () => {
    const sfn = engine(machine(), async () => ({}));
    const [listed] = sfn.listStateMachines({}).stateMachines;
    expect(listed).toMatchObject({ stateMachineArn: sfn.stateMachineArn, name: 'ops', type: 'STANDARD' });
    const described = sfn.describeStateMachine({ stateMachineArn: sfn.stateMachineArn });
    expect(described.status).toBe('ACTIVE');
    expect(described.definition).not.toContain('${');
    expect(JSON.parse(described.definition).States['Flaky step'].Parameters.FunctionName).toBe(FN);
    expect(() =>
      sfn.describeStateMachine({
        stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:other',
      }),
    ).toThrow(expect.objectContaining({ type: 'StateMachineDoesNotExist' }));
    expect(() => sfn.describeStateMachine({ stateMachineArn: 'not-an-arn' })).toThrow(
      expect.objectContaining({ type: 'InvalidArn' }),
    );
    const { executionArn } = sfn.startExecution({ stateMachineArn: sfn.stateMachineArn, input: '{}' });
    expect(sfn.describeStateMachineForExecution({ executionArn })).toMatchObject({
      stateMachineArn: sfn.stateMachineArn,
      definition: described.definition,
    });
    sfn.shutdown();
  });
});
