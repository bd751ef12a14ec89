import { once } from 'node:events';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LocalHandler } from '../../local/runtime/lambda-runtime.ts';
import { LocalStepFunctions, savedExecutions, saveExecution } from '../../local/stepfunctions/engine.ts';

/**
 * The local engine's fidelity to AWS on the points the complaint workflow relies on,
 * with small state machines and in-memory handlers (no emulators needed).
 */
const FN = 'arn:aws:lambda:us-east-1:000000000000:function:work';

function callbackMachine(extra: Record<string, unknown>) {
  return JSON.stringify({
    StartAt: 'Wait for staff',
    States: {
      'Wait for staff': {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: '${WorkArn}', Payload: { 'token.$': '$$.Task.Token' } },
        ...extra,
        Catch: [
          { ErrorEquals: ['States.Timeout'], ResultPath: '$.caught', Next: 'Timed out' },
          { ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Other error' },
        ],
        End: true,
      },
      'Timed out': { Type: 'Pass', End: true },
      'Other error': { Type: 'Pass', End: true },
    },
  });
}

function engine(definition: string, handler: LocalHandler = async () => ({}), persistDir?: string) {
  return new LocalStepFunctions({
    definition,
    substitutions: { WorkArn: FN },
    handlers: new Map([['work', handler]]),
    stateMachineName: 'test',
    ...(persistDir ? { persistDir } : {}),
  });
}

async function run(sfn: LocalStepFunctions, input: unknown) {
  const waiting = once(sfn.events, 'task-waiting');
  const { executionArn } = sfn.startExecution({
    stateMachineArn: sfn.stateMachineArn,
    input: JSON.stringify(input),
  });
  return { executionArn, waiting };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('local Step Functions engine', () => {
  it('resumes after a restart a task waiting for its token: same token, and only the time left to its deadline', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'Date'],
      now: new Date('2026-12-01T01:00:00Z'),
    });
    const dir = mkdtempSync(join(tmpdir(), 'sfn-resume-'));
    let invocations = 0;
    const handler: LocalHandler = async () => {
      invocations += 1;
      return {};
    };
    const before = engine(callbackMachine({ TimeoutSecondsPath: '$.deadlineSeconds' }), handler, dir);
    const { executionArn, waiting } = await run(before, { deadlineSeconds: 3600 });
    const [task] = await waiting;
    await vi.advanceTimersByTimeAsync(1800_000);
    before.shutdown();

    const after = engine(callbackMachine({ TimeoutSecondsPath: '$.deadlineSeconds' }), handler, dir);
    const resumedTask = once(after.events, 'task-waiting');
    expect(after.resumeInterrupted()).toBe(1);
    expect((await resumedTask)[0].token).toBe(task.token);
    expect(invocations).toBe(1); // the task was not opened a second time
    expect(after.describeExecution({ executionArn }).status).toBe('RUNNING');
    await vi.advanceTimersByTimeAsync(1795_000);
    expect(after.describeExecution({ executionArn }).status).toBe('RUNNING');
    await vi.advanceTimersByTimeAsync(10_000);
    const done = await after.whenSettled(executionArn);
    expect(JSON.parse(done.output ?? '{}').caught.Error).toBe('States.Timeout');
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the resumed task with its old token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfn-resume-'));
    const before = engine(callbackMachine({ TimeoutSeconds: 3600 }), undefined, dir);
    const { executionArn, waiting } = await run(before, {});
    const [task] = await waiting;
    before.shutdown();
    const after = engine(callbackMachine({ TimeoutSeconds: 3600 }), undefined, dir);
    const resumed = once(after.events, 'task-waiting');
    after.resumeInterrupted();
    await resumed;
    after.sendTaskSuccess({ taskToken: task.token, output: '{"ok":true}' });
    const done = await after.whenSettled(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.history.filter((e) => e.type === 'ExecutionStarted')).toHaveLength(1);
    rmSync(dir, { recursive: true, force: true });
  });

  it('carries on what a kill caught half-way: an execution saved before its first step starts again, a task whose handler had not finished is handed to it again with the same token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfn-kill-'));
    const tokens: string[] = [];
    const handler: LocalHandler = async (event) => {
      tokens.push(String((event as { token: string }).token));
      return {};
    };
    const before = engine(callbackMachine({ TimeoutSeconds: 3600 }), handler, dir);
    const first = await run(before, { n: 1 });
    const [task] = await first.waiting;
    const second = await run(before, { n: 2 });
    await second.waiting;
    before.shutdown();
    // As a kill would have left the files: the first waiting on a token its handler may not
    // have stored (no `handled`), the second with nothing saved beyond its start.
    const executionsDir = join(dir, 'executions');
    const edit = (arn: string, change: (record: Record<string, unknown>) => void) => {
      const record = savedExecutions(executionsDir).get(arn.split(':').at(-1) as string);
      if (!record) throw new Error(`${arn} was not saved`);
      change(record as unknown as Record<string, unknown>);
      saveExecution(executionsDir, record);
    };
    edit(first.executionArn, (record) => {
      delete (record.pendingToken as Record<string, unknown>).handled;
    });
    edit(second.executionArn, (record) => {
      delete record.resume;
      delete record.pendingToken;
    });

    const after = engine(callbackMachine({ TimeoutSeconds: 3600 }), handler, dir);
    const waiting = new Map<string, string>();
    after.events.on('task-waiting', (t: { executionArn: string; token: string }) =>
      waiting.set(t.executionArn, t.token),
    );
    expect(after.resumeInterrupted()).toBe(2);
    expect(after.resumeDetails).toEqual({ restarted: 1, reinvoked: 1 });
    await vi.waitFor(() => expect(waiting.size).toBe(2));
    // The handler saw the first task's token again (idempotent per token), and a new one for the second.
    expect(tokens.filter((t) => t === task.token)).toHaveLength(2);
    expect(waiting.get(first.executionArn)).toBe(task.token);
    for (const [executionArn, token] of waiting) {
      after.sendTaskSuccess({ taskToken: token, output: '{}' });
      expect((await after.whenSettled(executionArn)).status).toBe('SUCCEEDED');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves TimeoutSecondsPath against the state input, as AWS does, not against the Parameters output', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const sfn = engine(callbackMachine({ TimeoutSecondsPath: '$.deadlineSeconds' }));
    // `deadlineSeconds` is not in the Payload: an engine reading the Parameters output fails here.
    const { executionArn, waiting } = await run(sfn, { deadlineSeconds: 7200 });
    const [task] = await waiting;
    await vi.advanceTimersByTimeAsync(7_199_000);
    expect(sfn.describeExecution({ executionArn }).status).toBe('RUNNING');
    await vi.advanceTimersByTimeAsync(1_000);
    const done = await sfn.whenSettled(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}').caught.Error).toBe('States.Timeout');
    // A timed-out task's token is dead, as on AWS.
    expect(sfn.openTaskTokens(executionArn)).toEqual([]);
    expect(() => sfn.sendTaskSuccess({ taskToken: task.token, output: '{}' })).toThrow(/Task Timed Out/);
  });

  it('keeps a deadline longer than 24.8 days (the setTimeout limit) instead of firing at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const sfn = engine(callbackMachine({ TimeoutSeconds: 40 * 86_400 }));
    const { executionArn, waiting } = await run(sfn, {});
    await waiting;
    await vi.advanceTimersByTimeAsync(39 * 86_400_000);
    expect(sfn.describeExecution({ executionArn }).status).toBe('RUNNING');
    await vi.advanceTimersByTimeAsync(86_400_000);
    const done = await sfn.whenSettled(executionArn);
    expect(JSON.parse(done.output ?? '{}').caught.Error).toBe('States.Timeout');
  });

  it("uses AWS's default task timeout (99999999 s), not 60 s, when a Task sets none", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const sfn = engine(callbackMachine({}));
    const { executionArn, waiting } = await run(sfn, {});
    await waiting;
    await vi.advanceTimersByTimeAsync(3600_000);
    expect(sfn.describeExecution({ executionArn }).status).toBe('RUNNING');
    sfn.stopExecution({ executionArn });
  });

  it('fails a task with States.HeartbeatTimeout when no heartbeat arrives in time, and heartbeats keep it alive', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const sfn = engine(callbackMachine({ TimeoutSeconds: 3600, HeartbeatSeconds: 60 }));
    const { executionArn, waiting } = await run(sfn, {});
    const [task] = await waiting;
    await vi.advanceTimersByTimeAsync(50_000);
    sfn.sendTaskHeartbeat({ taskToken: task.token });
    await vi.advanceTimersByTimeAsync(50_000);
    expect(sfn.describeExecution({ executionArn }).status).toBe('RUNNING');
    await vi.advanceTimersByTimeAsync(11_000);
    const done = await sfn.whenSettled(executionArn);
    expect(JSON.parse(done.output ?? '{}').caught.Error).toBe('States.HeartbeatTimeout');
  });

  it('passes the handler a fresh token per task, never the sentinel, and the token completes only its own task', async () => {
    const seen: unknown[] = [];
    const sfn = engine(callbackMachine({ TimeoutSeconds: 60 }), async (event) => {
      seen.push(event);
      return {};
    });
    const a = await run(sfn, { n: 1 });
    const [taskA] = await a.waiting;
    const b = await run(sfn, { n: 2 });
    const [taskB] = await b.waiting;
    expect(taskA.token).not.toBe(taskB.token);
    expect(seen).toEqual([{ token: taskA.token }, { token: taskB.token }]);
    expect(JSON.stringify(seen)).not.toContain('SENTINEL');
    sfn.sendTaskSuccess({ taskToken: taskB.token, output: '{"done":true}' });
    expect((await sfn.whenSettled(b.executionArn)).status).toBe('SUCCEEDED');
    expect(sfn.describeExecution({ executionArn: a.executionArn }).status).toBe('RUNNING');
    sfn.stopExecution({ executionArn: a.executionArn });
  });

  it('refuses at start-up a Task state that has no local handler, naming the state', () => {
    const definition = callbackMachine({}).replace(
      '${WorkArn}',
      'arn:aws:lambda:us-east-1:000000000000:function:nowhere',
    );
    expect(() => engine(definition)).toThrow(
      /Task state 'Wait for staff' invokes function 'nowhere', which has no local handler/,
    );
  });

  it('refuses at start-up a Task resource it cannot run locally, rather than calling AWS', () => {
    const definition = JSON.stringify({
      StartAt: 'Publish',
      States: {
        Publish: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sns:publish',
          Parameters: { Message: 'x' },
          End: true,
        },
      },
    });
    expect(() => engine(definition)).toThrow(
      /Task state 'Publish' uses resource 'arn:aws:states:::sns:publish'/,
    );
  });

  it("keeps a retried task's token answerable when the retry starts at once (FULL jitter drew 0 ms)", async () => {
    // The failed attempt's token used to be dropped when the history reached its StateFailed:
    // by then a retry with no wait had already registered its own token for the same state,
    // which was dropped instead, and the execution waited for good (seen in fault-burst).
    vi.spyOn(Math, 'random').mockReturnValue(0);
    let attempts = 0;
    const sfn = engine(
      callbackMachine({
        TimeoutSeconds: 3600,
        Retry: [
          { ErrorEquals: ['InternalFailure'], IntervalSeconds: 5, MaxAttempts: 3, JitterStrategy: 'FULL' },
        ],
      }),
      async () => {
        attempts += 1;
        if (attempts === 1) {
          const error = new Error('The request processing has failed because of an unknown error.');
          error.name = 'InternalFailure';
          throw error;
        }
        return {};
      },
    );
    const { executionArn, waiting } = await run(sfn, {});
    const [task] = await waiting;
    vi.restoreAllMocks();
    expect(attempts).toBe(2);
    expect(sfn.openTaskTokens(executionArn)).toEqual([task.token]);
    sfn.sendTaskSuccess({ taskToken: task.token, output: '{"done":true}' });
    const done = await sfn.whenSettled(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.history.map((event) => event.type)).toContain('StateRetried');
  }, 10_000); // Before the fix, the retry's task never reported waiting: fail fast.

  it("drops a timed-out task's token at once, while the execution goes on to its next task", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const task = (next: Record<string, unknown>) => ({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: '${WorkArn}', Payload: { 'token.$': '$$.Task.Token' } },
      TimeoutSeconds: 60,
      ...next,
    });
    const sfn = engine(
      JSON.stringify({
        StartAt: 'First',
        States: {
          First: task({
            End: true,
            Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.late', Next: 'Second' }],
          }),
          Second: task({ End: true }),
        },
      }),
    );
    const { executionArn, waiting } = await run(sfn, {});
    const [first] = await waiting;
    const second = once(sfn.events, 'task-waiting');
    await vi.advanceTimersByTimeAsync(60_000);
    const [next] = await second;
    expect(next.stateName).toBe('Second');
    expect(sfn.openTaskTokens(executionArn)).toEqual([next.token]);
    expect(() => sfn.sendTaskSuccess({ taskToken: first.token, output: '{}' })).toThrow(/Task Timed Out/);
    sfn.sendTaskSuccess({ taskToken: next.token, output: '{}' });
    expect((await sfn.whenSettled(executionArn)).status).toBe('SUCCEEDED');
  });

  it('reports a handler error as the task error, named by the error type, to Retry and Catch', async () => {
    const sfn = engine(callbackMachine({ TimeoutSeconds: 60 }), async () => {
      const error = new Error('table missing');
      error.name = 'ResourceNotFoundException';
      throw error;
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn: sfn.stateMachineArn, input: '{}' });
    const done = await sfn.whenSettled(executionArn);
    expect(JSON.parse(done.output ?? '{}').caught.Error).toBe('ResourceNotFoundException');
  });

  it("keeps every execution through a kill that tears the journal's last line, and starts the next run from one line each", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfn-journal-'));
    const before = engine(callbackMachine({ TimeoutSeconds: 3600 }), async () => ({}), dir);
    const runs = [];
    for (let n = 0; n < 3; n++) runs.push(await run(before, { n }));
    await Promise.all(runs.map((r) => r.waiting));
    await Promise.all(runs.map((r) => before.persisted(r.executionArn)));
    before.shutdown();
    const journal = join(dir, 'executions', 'executions.jsonl');
    // A kill mid-append: half a line after the complete ones.
    const whole = readFileSync(journal, 'utf8');
    appendFileSync(journal, whole.slice(0, Math.floor(whole.length / 3)).replace(/\n/g, ''));

    const after = engine(callbackMachine({ TimeoutSeconds: 3600 }), async () => ({}), dir);
    // Rewritten at the start: one complete line per execution, the torn one gone.
    const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(after.resumeInterrupted()).toBe(3);
    for (const { executionArn } of runs) {
      expect(after.describeExecution({ executionArn }).status).toBe('RUNNING');
    }
    after.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it("folds executions saved one file each by an earlier version into the journal, the journal's newer lines winning", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfn-legacy-'));
    const before = engine(callbackMachine({ TimeoutSeconds: 3600 }), async () => ({}), dir);
    const first = await run(before, { n: 1 });
    const second = await run(before, { n: 2 });
    await Promise.all([first.waiting, second.waiting]);
    await before.persisted(second.executionArn);
    before.shutdown();
    const executionsDir = join(dir, 'executions');
    const saved = savedExecutions(executionsDir);
    const name = (arn: string) => arn.split(':').at(-1) as string;
    // As the earlier version left them: the first only in a file of its own; the second in a
    // stale file and, newer, in the journal.
    const firstRecord = saved.get(name(first.executionArn));
    const secondRecord = saved.get(name(second.executionArn));
    if (!firstRecord || !secondRecord) throw new Error('not saved');
    writeFileSync(join(executionsDir, `${firstRecord.name}.json`), JSON.stringify(firstRecord));
    writeFileSync(
      join(executionsDir, `${secondRecord.name}.json`),
      JSON.stringify({ ...secondRecord, status: 'FAILED' }),
    );
    writeFileSync(join(executionsDir, 'executions.jsonl'), `${JSON.stringify(secondRecord)}\n`);

    const after = engine(callbackMachine({ TimeoutSeconds: 3600 }), async () => ({}), dir);
    expect(after.describeExecution({ executionArn: first.executionArn }).status).toBe('RUNNING');
    expect(after.describeExecution({ executionArn: second.executionArn }).status).toBe('RUNNING');
    expect(readdirSync(executionsDir)).toEqual(['executions.jsonl']);
    expect(savedExecutions(executionsDir).size).toBe(2);
    after.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });
});
