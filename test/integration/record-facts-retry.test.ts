import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeLocal, type LocalHandler } from '../../local/runtime/lambda-runtime.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';

/**
 * Step Functions retries a task Lambda whose answer was lost after its write, and a retried
 * `waitForTaskToken` step comes with a new token. The facts the report counts (escalations,
 * deadlines, the escalation count) must still be counted once per cause: here the handlers are
 * invoked again with the same event, as a retry would, against the local stack's table.
 */
let t: TestStack;
let createTask: LocalHandler;
let deadline: LocalHandler;
let closeTask: typeof import('#adapters/complaints.ts').closeTask;
let putTask: typeof import('#adapters/complaints.ts').putTask;
let taskIdOf: (ref: string, token: string) => string;

beforeAll(async () => {
  t = await startTestStack();
  // The handlers read their settings (TABLE_NAME, ...) when loaded: after the stack set them.
  createTask = ((await import('../../lambdas/create-task.ts')) as { handler: LocalHandler }).handler;
  deadline = ((await import('../../lambdas/record-workflow-event.ts')) as { handler: LocalHandler }).handler;
  ({ closeTask, putTask } = await import('#adapters/complaints.ts'));
  const { taskIdFor } = await import('#domain/keys.ts');
  const { taskSuffixForToken } = await import('#domain/tasks.ts');
  taskIdOf = (ref, token) => taskIdFor(ref, taskSuffixForToken(token));
});
afterAll(async () => {
  await t?.stop();
});

const AREA = 'kowloon-east';

/** What the state machine passes to create-task for the supervisor's escalation task. */
function escalationTask(ref: string, taskToken: string) {
  return {
    taskToken,
    ref,
    area: AREA,
    step: 'escalationSupervisor',
    role: 'supervisor',
    timeoutSeconds: 3600,
    late: { step: 'departmentCommitment', level: 'supervisor', overdue: 'departmentCommitment' },
  };
}

async function partition(ref: string) {
  const items = await t.complaintItems(ref);
  return {
    record: items.find((i) => i.SK === 'RECORD') as Record<string, unknown>,
    tasks: items.filter((i) => i.type === 'task'),
    events: items.filter((i) => i.type === 'event'),
  };
}

describe('record facts when Step Functions retries a handler', () => {
  it('an escalation task opened again (same token, then a new one) raises the complaint once', async () => {
    const ref = 'RETRY-0001';
    await t.putComplaint(ref);
    await invokeLocal(createTask, 'create-task', escalationTask(ref, 'token-first'));
    // The first attempt's answer was lost; meanwhile the record moved on in some other field.
    await t.db.send(
      new UpdateCommand({
        TableName: t.stack.tableName,
        Key: { PK: `C#${ref}`, SK: 'RECORD' },
        UpdateExpression: 'SET currentStep = :other',
        ExpressionAttributeValues: { ':other': 'somewhere-else' },
      }),
    );
    // A resumed invocation (same token), then Step Functions' retry (a new token).
    await invokeLocal(createTask, 'create-task', escalationTask(ref, 'token-first'));
    await invokeLocal(createTask, 'create-task', escalationTask(ref, 'token-retry'));

    const { record, tasks } = await partition(ref);
    expect(record.escalations).toEqual(['supervisor:raised']);
    // Its plain fields are still set by every attempt.
    expect(record.currentStep).toBe('escalationSupervisor');
    // One cause applied, kept as a string set on the record.
    expect(record.factsApplied).toBeInstanceOf(Set);
    expect([...(record.factsApplied as Set<string>)]).toHaveLength(1);
    const live = taskIdOf(ref, 'token-retry');
    expect(tasks.map((task) => [task.id, task.status]).sort()).toEqual(
      [
        [taskIdOf(ref, 'token-first'), 'cancelled'],
        [live, 'open'],
      ].sort(),
    );

    // Staff see the step opened once, for the task they can act on, and no bookkeeping.
    const api = staffClient(t);
    const { status, body } = await api.get<{
      tasks: { id: string }[];
      timeline: { action: string; details?: { taskId?: string } }[];
      factsApplied?: unknown;
    }>('supervisor.kowloon-east', `/api/complaints/${ref}`);
    expect(status).toBe(200);
    expect(body.tasks.map((task) => task.id)).toEqual([live]);
    const opened = body.timeline.filter((e) => e.action === 'task-opened');
    expect(opened.map((e) => e.details?.taskId)).toEqual([live]);
    expect(body).not.toHaveProperty('factsApplied');
  });

  it('a retry after an attempt that stored its task but failed before the record counts it once', async () => {
    const ref = 'RETRY-0002';
    await t.putComplaint(ref);
    const event = escalationTask(ref, 'token-stored');
    // The first attempt got as far as storing the task.
    await putTask(t.stack.tableName, {
      id: taskIdOf(ref, event.taskToken),
      ref,
      area: AREA,
      step: 'escalationSupervisor',
      role: 'supervisor',
      late: event.late,
      createdAt: new Date().toISOString(),
      dueAt: new Date(Date.now() + 3600_000).toISOString(),
      status: 'open',
      taskToken: event.taskToken,
    });
    // Resumed with the same token: it finds its task stored, and still raises the complaint.
    await invokeLocal(createTask, 'create-task', event);
    expect((await partition(ref)).record.escalations).toEqual(['supervisor:raised']);
    // Another retry (a new token) does not raise it again.
    await invokeLocal(createTask, 'create-task', escalationTask(ref, 'token-next'));
    expect((await partition(ref)).record.escalations).toEqual(['supervisor:raised']);
  });

  it('a late step recorded twice is one deadline missed and one escalation', async () => {
    const ref = 'RETRY-0003';
    await t.putComplaint(ref);
    await invokeLocal(createTask, 'create-task', {
      taskToken: 'token-review',
      ref,
      area: AREA,
      step: 'supervisorReview',
      role: 'supervisor',
      timeoutSeconds: 3600,
    });
    const overdue = {
      ref,
      area: AREA,
      action: 'step-overdue',
      late: { step: 'supervisorReview', level: 'customer-service', overdue: 'supervisorReview' },
    };
    await invokeLocal(deadline, 'record-workflow-event', overdue);
    await invokeLocal(deadline, 'record-workflow-event', overdue);

    const { record, events } = await partition(ref);
    expect(record.deadlines).toEqual(['supervisorReview:missed']);
    expect(record.escalationCount).toBe(1);
    expect(events.filter((e) => e.action === 'step-overdue')).toHaveLength(1);
  });

  it('a ladder level that ran late, recorded twice, timed out there once', async () => {
    const ref = 'RETRY-0004';
    await t.putComplaint(ref);
    await invokeLocal(createTask, 'create-task', escalationTask(ref, 'token-level'));
    const overdue = {
      ref,
      area: AREA,
      action: 'step-overdue',
      late: { step: 'departmentCommitment', level: 'customer-service', overdue: 'escalationSupervisor' },
    };
    await invokeLocal(deadline, 'record-workflow-event', overdue);
    await invokeLocal(deadline, 'record-workflow-event', overdue);

    const { record } = await partition(ref);
    expect(record.escalations).toEqual(['supervisor:raised', 'supervisor:timed-out']);
    expect(record.deadlines).toEqual(['escalationSupervisor:missed']);
    expect(record.escalationCount).toBe(1);
  });

  it('a complaint sent up by a decision, recorded twice, is one escalation with one line', async () => {
    const ref = 'RETRY-0005';
    await t.putComplaint(ref);
    const token = 'token-plan';
    await invokeLocal(createTask, 'create-task', {
      taskToken: token,
      ref,
      area: AREA,
      step: 'ownerPlanResponse',
      role: 'followup',
      timeoutSeconds: 3600,
    });
    // The owner objected once too often (as completeTask closes the task).
    await closeTask(
      t.stack.tableName,
      { ref, id: taskIdOf(ref, token) },
      { status: 'completed', closedAt: new Date().toISOString(), closedBy: 'owner' },
    );
    const escalated = {
      ref,
      area: AREA,
      action: 'escalated',
      late: { step: 'workInProgress', level: 'manager', reason: 'objection-limit' },
    };
    await invokeLocal(deadline, 'record-workflow-event', escalated);
    await invokeLocal(deadline, 'record-workflow-event', escalated);

    const { record, events } = await partition(ref);
    expect(record.escalationCount).toBe(1);
    expect(events.filter((e) => e.action === 'escalated')).toHaveLength(1);
  });
});
