import { readFileSync } from 'node:fs';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  paginateGetExecutionHistory,
  paginateListExecutions,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASL_FILE } from '../../local/stack.ts';
import { dueAll, startTestStack, type TestStack } from '../harness/local-stack.ts';

/**
 * The complaint state machine (statemachine/complaint.asl.json, the file CDK deploys) run by
 * the local stack and driven through @aws-sdk/client-sfn, as the staff API drives it.
 * TIME_SCALE 3600 turns each hour of deadline into a second of test time.
 */
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ timeScale: 3600 });
});
afterAll(async () => {
  await t?.stop();
});

function statesEntered(history: { type?: string; stateEnteredEventDetails?: { name?: string } }[]) {
  return history.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);
}

function inputFor(ref: string, due: Record<string, number>) {
  return JSON.stringify({
    ref,
    area: 'kowloon-east',
    flags: { needsClarification: false, acknowledge: 'none' },
    step: { due },
  });
}

async function start(ref: string, due = dueAll(360_000)) {
  await t.putComplaint(ref);
  const waiting = t.nextTask();
  const { executionArn } = await t.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: t.stack.stateMachineArn,
      name: ref,
      input: inputFor(ref, due),
    }),
  );
  if (!executionArn) throw new Error('no execution ARN');
  return { executionArn, waiting };
}

describe('local Step Functions through @aws-sdk/client-sfn', () => {
  it('runs to a waitForTaskToken step, and SendTaskSuccess with the stored token moves it on', async () => {
    const { executionArn, waiting } = await start('T-0001');
    const task = await waiting;
    expect(task.stateName).toBe('Supervisor review');

    // The create-task handler stored the task with its token, as the staff API will read it.
    // (Under load a create-task attempt may fail and be retried with a fresh token: the task
    // the workflow waits on is the one with the live token, and it is the only open one.)
    const tasks = (await t.complaintItems('T-0001')).filter((i) => String(i.SK).startsWith('TASK#'));
    expect(tasks.filter((i) => i.status === 'open')).toHaveLength(1);
    const stored = tasks.find((i) => i.taskToken === task.token);
    expect(stored).toMatchObject({
      role: 'supervisor',
      area: 'kowloon-east',
      step: 'supervisorReview',
      status: 'open',
    });
    expect(stored?.taskToken).toBe(task.token);
    expect(Date.parse(String(stored?.dueAt)) - Date.parse(String(stored?.createdAt))).toBe(360_000_000);

    const running = await t.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(running.status).toBe('RUNNING');

    const filing = t.nextTask(executionArn);
    await t.sfn.send(
      new SendTaskSuccessCommand({
        taskToken: String(stored?.taskToken),
        output: JSON.stringify({ decision: { action: 'reject' }, due: dueAll(360_000) }),
      }),
    );
    expect((await filing).stateName).toBe('File record');
    const { events } = await t.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(statesEntered(events ?? [])).toEqual([
      'Needs clarification?',
      'How to acknowledge?',
      'Supervisor review',
      'Review decision',
      'Send closing note',
      'File record',
    ]);

    // The token is spent: a second answer is refused as AWS refuses it.
    await expect(
      t.sfn.send(new SendTaskSuccessCommand({ taskToken: task.token, output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await t.sfn.send(new StopExecutionCommand({ executionArn }));
  });

  it('times a task left alone out into its Catch branch: the supervisor misses the deadline and customer service gets the task', async () => {
    const { executionArn, waiting } = await start('T-0002', dueAll(360_000, { supervisorReview: 3600 }));
    const first = await waiting;
    expect(first.stateName).toBe('Supervisor review');
    const escalated = await t.nextTask(executionArn);
    expect(escalated.stateName).toBe('Escalate to customer service');

    const { events } = await t.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(statesEntered(events ?? []).slice(2)).toEqual([
      'Supervisor review',
      'Supervisor review overdue',
      'Record overdue',
      'Which level?',
      'Escalate to customer service',
    ]);
    const failed = (events ?? []).find((e) => e.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails?.error).toBe('States.Timeout');

    const items = await t.complaintItems('T-0002');
    // One line, however often Step Functions retried "Record overdue": it is keyed by the late task.
    const overdue = items.filter((i) => i.action === 'step-overdue');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]?.details).toMatchObject({ overdueStep: 'supervisorReview' });
    const tasks = items.filter((i) => String(i.SK).startsWith('TASK#'));
    expect(tasks.map((i) => [i.role, i.status]).sort()).toEqual([
      ['customer-service', 'open'],
      ['supervisor', 'timed-out'],
    ]);
    const late = tasks.find((i) => i.role === 'supervisor');
    expect(overdue[0]?.details).toMatchObject({ timedOutTasks: [late?.id] });
    // The timed-out supervisor task's token no longer answers.
    await expect(
      t.sfn.send(new SendTaskSuccessCommand({ taskToken: first.token, output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });

    await t.sfn.send(new StopExecutionCommand({ executionArn, cause: 'test done' }));
    expect((await t.stack.stepFunctions.whenSettled(executionArn)).status).toBe('ABORTED');
  });

  it('routes SendTaskFailure into the Catch branch: the error and the failed state go to a Resolve workflow error task, whose retry opens the step again', async () => {
    const { executionArn, waiting } = await start('T-0003');
    const task = await waiting;
    const resolving = t.nextTask(executionArn);
    await t.sfn.send(
      new SendTaskFailureCommand({ taskToken: task.token, error: 'Rejected', cause: 'not a complaint' }),
    );
    const resolve = await resolving;
    expect(resolve.stateName).toBe('Resolve workflow error');
    const running = await t.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(running.status).toBe('RUNNING');
    const items = await t.complaintItems('T-0003');
    const audit = items.find((i) => i.action === 'workflow-error');
    expect(audit?.details).toMatchObject({
      error: 'Rejected',
      cause: 'not a complaint',
      failedState: 'Supervisor review',
      failedStep: 'supervisorReview',
    });
    const stored = items.find((i) => i.taskToken === resolve.token);
    expect(stored).toMatchObject({
      step: 'resolveWorkflowError',
      role: 'customer-service',
      status: 'open',
      failure: {
        state: 'Supervisor review',
        step: 'supervisorReview',
        error: { Error: 'Rejected', Cause: 'not a complaint' },
      },
    });

    const again = t.nextTask(executionArn);
    await t.sfn.send(
      new SendTaskSuccessCommand({
        taskToken: resolve.token,
        output: JSON.stringify({ decision: { action: 'retry' }, due: dueAll(360_000) }),
      }),
    );
    expect((await again).stateName).toBe('Supervisor review');
    const { events } = await t.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(statesEntered(events ?? []).slice(2)).toEqual([
      'Supervisor review',
      'Supervisor review failed',
      'Record workflow error',
      'Resolve workflow error',
      'Workflow error decision',
      'Supervisor review',
    ]);
    await t.sfn.send(new StopExecutionCommand({ executionArn }));
    await t.stack.stepFunctions.whenSettled(executionArn);
  });

  it('treats a duplicate StartExecution as AWS does: same name and input is the same execution, other input is refused', async () => {
    const { executionArn, waiting } = await start('T-0004');
    await waiting;
    const input = inputFor('T-0004', dueAll(360_000));
    const again = await t.sfn.send(
      new StartExecutionCommand({ stateMachineArn: t.stack.stateMachineArn, name: 'T-0004', input }),
    );
    expect(again.executionArn).toBe(executionArn);
    await expect(
      t.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: t.stack.stateMachineArn,
          name: 'T-0004',
          input: '{"ref":"other"}',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });

    const listed = await t.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: t.stack.stateMachineArn, statusFilter: 'RUNNING' }),
    );
    expect(listed.executions?.map((e) => e.name)).toContain('T-0004');

    await t.sfn.send(new StopExecutionCommand({ executionArn }));
    await t.stack.stepFunctions.whenSettled(executionArn);
    // A stopped execution's name stays taken, even with the same input.
    await expect(
      t.sfn.send(
        new StartExecutionCommand({ stateMachineArn: t.stack.stateMachineArn, name: 'T-0004', input }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });

  it('answers unknown executions, tokens and state machines with the service errors the SDK knows', async () => {
    await expect(
      t.sfn.send(
        new DescribeExecutionCommand({
          executionArn: `${t.stack.stateMachineArn.replace('stateMachine', 'execution')}:nope`,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await expect(t.sfn.send(new SendTaskHeartbeatCommand({ taskToken: 'forged' }))).rejects.toMatchObject({
      name: 'InvalidToken',
    });
    await expect(
      t.sfn.send(new StartExecutionCommand({ stateMachineArn: `${t.stack.stateMachineArn}-x`, input: '{}' })),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
  });

  it('answers the calls an ops engineer makes first: list and describe the state machine, as deployed', async () => {
    const { stateMachines } = await t.sfn.send(new ListStateMachinesCommand({}));
    expect(stateMachines?.map((m) => m.stateMachineArn)).toEqual([t.stack.stateMachineArn]);
    const described = await t.sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: t.stack.stateMachineArn }),
    );
    expect(described).toMatchObject({ status: 'ACTIVE', type: 'STANDARD' });
    // The deployed ASL file, its ${...} placeholders substituted with the functions' ARNs.
    const deployed = JSON.parse(described.definition ?? '{}');
    const file = JSON.parse(readFileSync(ASL_FILE, 'utf8'));
    expect(Object.keys(deployed.States)).toEqual(Object.keys(file.States));
    expect(described.definition).not.toContain('${');
    expect(described.definition).toContain(':function:create-task');

    const { executionArn, waiting } = await start('T-0005');
    await waiting;
    const forExecution = await t.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    expect(forExecution.definition).toBe(described.definition);
    await t.sfn.send(new StopExecutionCommand({ executionArn }));
    await t.stack.stepFunctions.whenSettled(executionArn);
  });

  it('redrives a complaint stopped by mistake: its step opens again with a new task and token', async () => {
    const { executionArn, waiting } = await start('T-0006');
    const first = await waiting;
    await expect(t.sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({
      name: 'ExecutionNotRedrivable',
    });
    await t.sfn.send(new StopExecutionCommand({ executionArn, cause: 'stopped by mistake' }));
    await t.stack.stepFunctions.whenSettled(executionArn);
    const reopened = t.nextTask(executionArn);
    const { redriveDate } = await t.sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect(redriveDate).toBeInstanceOf(Date);
    const second = await reopened;
    expect(second.stateName).toBe(first.stateName);
    expect(second.token).not.toBe(first.token);
    const described = await t.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ status: 'RUNNING', redriveCount: 1 });
    const openTasks = (await t.complaintItems('T-0006')).filter(
      (i) => String(i.SK).startsWith('TASK#') && i.status === 'open',
    );
    expect(openTasks).toHaveLength(1);

    const events = [];
    for await (const page of paginateGetExecutionHistory({ client: t.sfn, pageSize: 3 }, { executionArn })) {
      events.push(...(page.events ?? []));
    }
    expect(events.map((e) => e.type)).toContain('ExecutionRedriven');
    expect(events.map((e) => e.id)).toEqual(events.map((_e, i) => i + 1));

    const redriven = [];
    for await (const page of paginateListExecutions(
      { client: t.sfn, pageSize: 1 },
      { stateMachineArn: t.stack.stateMachineArn, redriveFilter: 'REDRIVEN' },
    )) {
      redriven.push(...(page.executions ?? []).map((e) => e.name));
    }
    expect(redriven).toEqual(['T-0006']);
    await expect(
      t.sfn.send(new ListExecutionsCommand({ stateMachineArn: t.stack.stateMachineArn, nextToken: '10' })),
    ).rejects.toMatchObject({ name: 'InvalidToken' });
    await t.sfn.send(new StopExecutionCommand({ executionArn }));
    await t.stack.stepFunctions.whenSettled(executionArn);
  });
});
