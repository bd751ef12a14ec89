import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  appendFileSync,
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  write as writeCallback,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { invokeLocal, type LocalHandler } from '../runtime/lambda-runtime.ts';

/**
 * The Step Functions stand-in: runs the very ASL file CDK deploys in aws-local-stepfunctions,
 * with every Task state mapped to a local handler, and adds what that engine lacks:
 * task tokens for `.waitForTaskToken` (a broker that issues one token per task and waits for
 * SendTaskSuccess/Failure), `HeartbeatSeconds`, execution names and ARNs, history, and
 * persistence of execution records under `.local/`.
 */

/**
 * Stands in for `$$.Task.Token`. The engine takes one context per execution, so the sentinel
 * names the execution; the broker swaps in a fresh token per task invocation. (The engine
 * passes a Task override nothing but its input, so this is also how a task finds its execution.)
 */
const SENTINEL = /__LOCAL_TASK_TOKEN__([A-Za-z0-9_-]+)__/g;
const sentinelFor = (executionArn: string) =>
  `__LOCAL_TASK_TOKEN__${Buffer.from(executionArn).toString('base64url')}__`;

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: string;
  type: string;
  details: Record<string, unknown>;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: string;
  stopDate?: string;
  output?: string;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
  /** How often it was redriven (RedriveExecution), and when last. */
  redriveCount?: number;
  redriveDate?: string;
  /** Where a running execution stands, so it can resume after the local stack restarts. */
  resume?: { state: string; input: unknown; deadlineAt?: string };
  /**
   * The token of the task the execution waits on (reused on resume: it is stored with the
   * task), and whether the task's handler is known to have finished with it.
   */
  pendingToken?: PendingToken;
}

interface PendingToken {
  state: string;
  token: string;
  handled?: boolean;
}

/** A service error with the `__type` the AWS JSON protocol carries. */
export class SfnServiceError extends Error {
  readonly type: string;
  readonly statusCode: number;
  constructor(type: string, message: string, statusCode = 400) {
    super(message);
    this.name = type;
    this.type = type;
    this.statusCode = statusCode;
  }
}

/** An error a task ends with, named as Step Functions names it (for Retry/Catch). */
class TaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** What the patched aws-local-stepfunctions passes a local task override with its input. */
interface TaskAttempt {
  /** Aborted when this attempt of the state is over: result, error or timeout. */
  readonly signal?: AbortSignal;
}

interface PendingTask {
  readonly token: string;
  readonly executionArn: string;
  readonly stateName: string;
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
  heartbeatTimer?: ReturnType<typeof setTimeout>;
  readonly heartbeatMs?: number;
}

export interface LocalStepFunctionsOptions {
  /** The ASL with its `${...}` placeholders (the file CDK deploys). */
  readonly definition: string;
  /** Placeholder → value, as CDK's definitionSubstitutions would resolve them. */
  readonly substitutions: Record<string, string>;
  /** Function name (the last part of its ARN) → the local handler. */
  readonly handlers: ReadonlyMap<string, LocalHandler>;
  readonly stateMachineName: string;
  /** How much faster than wall-clock workflow time runs (3600: an hour per second). @default 1 */
  readonly timeScale?: number;
  /** Directory to persist execution records in; none means in memory only. */
  readonly persistDir?: string;
}

interface AslState {
  Type: string;
  Resource?: string;
  Retry?: { IntervalSeconds?: number }[];
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Parameters?: Record<string, unknown>;
  HeartbeatSeconds?: number;
  Branches?: { States: Record<string, AslState> }[];
  Iterator?: { States: Record<string, AslState> };
  ItemProcessor?: { States: Record<string, AslState> };
}

interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
}

/** What the engine announces, for the CLI's log and for tests to wait on instead of polling. */
export interface EngineEvents {
  /** A `.waitForTaskToken` task's handler has run and the execution now waits for its token. */
  'task-waiting': [{ executionArn: string; stateName: string; token: string }];
  'execution-settled': [ExecutionRecord];
}

export class LocalStepFunctions {
  readonly stateMachineArn: string;
  readonly events = new EventEmitter<EngineEvents>();
  private readonly definition: AslDefinition;
  private readonly machine: StateMachine;
  private readonly overrides: Record<string, (input: unknown) => Promise<unknown>>;
  /** Each Task's retry waits in scaled time (milliseconds, one per retrier); none at scale 1. */
  private readonly retryIntervals: Record<string, number[]> = {};
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly aborters = new Map<string, () => void>();
  private readonly pending = new Map<string, PendingTask>();
  /** The tokens in `pending` by execution: closing an execution's tasks looks at its own only. */
  private readonly pendingByExecution = new Map<string, Set<string>>();
  private readonly timeScale: number;
  /** Where the journal of executions is kept (see Persistence below). */
  private readonly persistDir: string | undefined;
  private readonly dirty = new Set<ExecutionRecord>();
  private readonly settled = new Map<string, Promise<void>>();
  /** Tokens of tasks that were waiting when the stack stopped, by execution, to be reused. */
  private readonly resumeTokens = new Map<string, PendingToken>();
  /** What the last resumeInterrupted did beyond resuming where each execution stood. */
  resumeDetails = { restarted: 0, reinvoked: 0 };
  private stopping = false;

  private readonly options: LocalStepFunctionsOptions;
  /** The definition as deployed: the ASL with its placeholders substituted (DescribeStateMachine). */
  private readonly deployedDefinition: string;
  private readonly creationDate = new Date().toISOString();

  constructor(options: LocalStepFunctionsOptions) {
    this.options = options;
    this.stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${options.stateMachineName}`;
    this.timeScale = options.timeScale ?? 1;
    const substituted = substitute(options.definition, options.substitutions);
    this.deployedDefinition = substituted;
    this.definition = JSON.parse(substituted) as AslDefinition;
    this.machine = new StateMachine(this.definition as never, { validationOptions: { checkPaths: true } });
    // Every Task state is wired now, so a missing handler stops the start-up, not a complaint.
    this.overrides = {};
    for (const [stateName, state] of allTaskStates(this.definition.States)) {
      this.overrides[stateName] = this.overrideFor(stateName, state);
      // A Retry's waits (up to minutes) pass as fast as the workflow's time: each retrier's
      // first interval, scaled. The engine takes only a fixed wait per retrier, so its backoff
      // and jitter are not reproduced; at scale 1 the definition's own waits apply.
      if (this.timeScale !== 1 && state.Retry?.length) {
        this.retryIntervals[stateName] = state.Retry.map(
          (retrier) => ((retrier.IntervalSeconds ?? 1) * 1000) / this.timeScale,
        );
      }
    }
    this.persistDir = options.persistDir ? join(options.persistDir, 'executions') : undefined;
    this.load();
  }

  /**
   * Resumes the executions that were running when the local stack last stopped, from the
   * state each was in: a task waiting for a person keeps its token (so the stored task still
   * answers) and the time left to its deadline. Returns how many resumed.
   */
  resumeInterrupted(): number {
    let resumed = 0;
    this.resumeDetails = { restarted: 0, reinvoked: 0 };
    for (const record of this.executions.values()) {
      if (record.status !== 'RUNNING') continue;
      if (!record.resume && this.definition.States[this.definition.StartAt]) {
        // Killed before its first step's position was saved: it starts again from the first
        // state with its input, as AWS never loses a started execution (the steps are
        // idempotent, so one that had already run does not act twice).
        record.resume = { state: this.definition.StartAt, input: JSON.parse(record.input) as unknown };
        this.resumeDetails.restarted += 1;
      }
      if (!record.resume || !this.definition.States[record.resume.state]) {
        this.markInterrupted(record);
        continue;
      }
      const { state: stateName, deadlineAt } = record.resume;
      const state = this.definition.States[stateName] as AslState;
      const input = structuredClone(record.resume.input) as Record<string, unknown>;
      if (deadlineAt && state.TimeoutSecondsPath) {
        const left = Math.max(1, Math.ceil((Date.parse(deadlineAt) - Date.now()) / 1000));
        setPath(input, state.TimeoutSecondsPath, left);
      }
      if (record.pendingToken?.state === stateName) {
        this.resumeTokens.set(record.executionArn, record.pendingToken);
        if (!record.pendingToken.handled) this.resumeDetails.reinvoked += 1;
      }
      const machine = new StateMachine({ ...this.definition, StartAt: stateName } as never, {
        validationOptions: { noValidate: true },
      });
      this.run(record, input, machine, true);
      this.dirty.add(record);
      resumed += 1;
    }
    this.persist();
    return resumed;
  }

  // ---- The Step Functions API -------------------------------------------------------------

  startExecution(params: { stateMachineArn?: string; name?: string; input?: string }) {
    if (params.stateMachineArn !== this.stateMachineArn) {
      throw new SfnServiceError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${params.stateMachineArn}'`,
      );
    }
    const name = params.name ?? randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
      throw new SfnServiceError('InvalidName', `Invalid Name: '${name}'`);
    }
    const inputText = params.input ?? '{}';
    let input: unknown;
    try {
      input = JSON.parse(inputText);
    } catch {
      throw new SfnServiceError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: not valid JSON',
      );
    }
    const executionArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${this.options.stateMachineName}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // As on AWS: the same name and input while running is the same execution; anything else is a clash.
      if (existing.status === 'RUNNING' && existing.input === inputText) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new SfnServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: this.stateMachineArn,
      name,
      input: inputText,
      status: 'RUNNING',
      startDate: new Date().toISOString(),
      history: [],
    };
    this.executions.set(executionArn, record);
    this.run(record, input);
    void this.persistInBackground(record);
    return { executionArn, startDate: record.startDate };
  }

  describeExecution(params: { executionArn?: string }) {
    const record = this.get(params.executionArn);
    const { history: _history, resume: _resume, pendingToken: _token, ...description } = record;
    const redrivable = this.redrivable(record);
    return {
      ...description,
      redriveCount: record.redriveCount ?? 0,
      redriveStatus: redrivable === true ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
      ...(redrivable === true ? {} : { redriveStatusReason: redrivable }),
    };
  }

  getExecutionHistory(params: {
    executionArn?: string;
    reverseOrder?: boolean;
    maxResults?: number;
    nextToken?: string;
    includeExecutionData?: boolean;
  }) {
    const record = this.get(params.executionArn);
    const events = params.reverseOrder ? [...record.history].reverse() : record.history;
    const { start, size } = pageOf(params, 'GetExecutionHistory', events.length);
    const page = events.slice(start, start + size);
    const withData = params.includeExecutionData !== false;
    return {
      events: page.map((event) => ({
        id: event.id,
        previousEventId: event.previousEventId,
        timestamp: event.timestamp,
        type: event.type,
        ...(withData ? event.details : withoutExecutionData(event.details)),
      })),
      ...(start + size < events.length ? { nextToken: pageToken('GetExecutionHistory', start + size) } : {}),
    };
  }

  listExecutions(params: {
    stateMachineArn?: string;
    statusFilter?: ExecutionStatus;
    redriveFilter?: 'REDRIVEN' | 'NOT_REDRIVEN';
    maxResults?: number;
    nextToken?: string;
  }) {
    this.checkStateMachine(params.stateMachineArn);
    if (params.statusFilter && !EXECUTION_STATUSES.includes(params.statusFilter)) {
      throw new SfnServiceError(
        'ValidationException',
        `1 validation error detected: Value '${params.statusFilter}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${EXECUTION_STATUSES.join(', ')}]`,
      );
    }
    if (params.redriveFilter && !['REDRIVEN', 'NOT_REDRIVEN'].includes(params.redriveFilter)) {
      throw new SfnServiceError(
        'ValidationException',
        `1 validation error detected: Value '${params.redriveFilter}' at 'redriveFilter' failed to satisfy constraint: Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]`,
      );
    }
    const all = [...this.executions.values()]
      .filter((e) => !params.statusFilter || e.status === params.statusFilter)
      .filter(
        (e) => !params.redriveFilter || (params.redriveFilter === 'REDRIVEN') === (e.redriveCount ?? 0) > 0,
      )
      .sort((a, b) => b.startDate.localeCompare(a.startDate) || a.name.localeCompare(b.name));
    const { start, size } = pageOf(params, 'ListExecutions', all.length);
    const page = all.slice(start, start + size);
    return {
      executions: page.map((e) => ({
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
        ...(e.stopDate ? { stopDate: e.stopDate } : {}),
        redriveCount: e.redriveCount ?? 0,
        ...(e.redriveDate ? { redriveDate: e.redriveDate } : {}),
      })),
      ...(start + size < all.length ? { nextToken: pageToken('ListExecutions', start + size) } : {}),
    };
  }

  listStateMachines(params: { maxResults?: number; nextToken?: string }) {
    const machines = [
      {
        stateMachineArn: this.stateMachineArn,
        name: this.options.stateMachineName,
        type: 'STANDARD',
        creationDate: this.creationDate,
      },
    ];
    const { start, size } = pageOf(params, 'ListStateMachines', machines.length);
    return {
      stateMachines: machines.slice(start, start + size),
      ...(start + size < machines.length ? { nextToken: pageToken('ListStateMachines', start + size) } : {}),
    };
  }

  describeStateMachine(params: { stateMachineArn?: string }) {
    this.checkStateMachine(params.stateMachineArn, true);
    return {
      stateMachineArn: this.stateMachineArn,
      name: this.options.stateMachineName,
      status: 'ACTIVE',
      ...this.machineDescription(),
      type: 'STANDARD',
      creationDate: this.creationDate,
    };
  }

  describeStateMachineForExecution(params: { executionArn?: string }) {
    this.get(params.executionArn);
    return {
      stateMachineArn: this.stateMachineArn,
      name: this.options.stateMachineName,
      ...this.machineDescription(),
      updateDate: this.creationDate,
    };
  }

  /**
   * RedriveExecution as AWS runs it: a FAILED, TIMED_OUT or ABORTED execution that stopped
   * less than 14 days ago carries on from the state that did not succeed (the last state it
   * entered), with that state's input, in the same execution: the history goes on after an
   * `ExecutionRedriven` event and `redriveCount` grows. Anything else is ExecutionNotRedrivable.
   */
  async redriveExecution(params: { executionArn?: string; clientToken?: string }) {
    const record = this.get(params.executionArn);
    const notRedrivable = (why: string) =>
      new SfnServiceError('ExecutionNotRedrivable', `Execution '${record.executionArn}' ${why}`);
    // A stop settles in the background (the engine's run winds down): let it finish first, so
    // its bookkeeping cannot land on the redriven run. A running execution never settles here.
    if (record.status !== 'RUNNING') await this.settled.get(record.executionArn);
    if (!REDRIVABLE_STATUSES.includes(record.status)) {
      throw notRedrivable(`cannot be redriven: its status is ${record.status}`);
    }
    const stoppedAt = Date.parse(record.stopDate ?? record.startDate);
    if (Date.now() - stoppedAt > REDRIVE_PERIOD_MS) {
      throw notRedrivable('cannot be redriven: it stopped more than 14 days ago');
    }
    const from = this.lastEnteredState(record);
    if (!from) throw notRedrivable('cannot be redriven: it never entered a state');
    const redriveDate = new Date().toISOString();
    record.status = 'RUNNING';
    delete record.stopDate;
    delete record.output;
    delete record.error;
    delete record.cause;
    record.redriveCount = (record.redriveCount ?? 0) + 1;
    record.redriveDate = redriveDate;
    record.resume = { state: from.state, input: from.input };
    const id = record.history.length + 1;
    record.history.push({
      id,
      previousEventId: id - 1,
      timestamp: redriveDate,
      type: 'ExecutionRedriven',
      details: { executionRedrivenEventDetails: { redriveCount: record.redriveCount } },
    });
    const machine = new StateMachine({ ...this.definition, StartAt: from.state } as never, {
      validationOptions: { noValidate: true },
    });
    this.run(record, structuredClone(from.input), machine, true);
    this.persist(record);
    return { redriveDate };
  }

  stopExecution(params: { executionArn?: string; error?: string; cause?: string }) {
    const record = this.get(params.executionArn);
    const stopDate = new Date().toISOString();
    if (record.status !== 'RUNNING') return { stopDate: record.stopDate ?? stopDate };
    record.status = 'ABORTED';
    record.stopDate = stopDate;
    if (params.error) record.error = params.error;
    if (params.cause) record.cause = params.cause;
    this.closeTasks(record.executionArn);
    this.aborters.get(record.executionArn)?.();
    this.persist(record);
    return { stopDate };
  }

  sendTaskSuccess(params: { taskToken?: string; output?: string }) {
    const task = this.takeTask(params.taskToken);
    let output: unknown;
    try {
      output = JSON.parse(params.output ?? '');
    } catch {
      throw new SfnServiceError('InvalidOutput', 'Invalid Output: the task output is not valid JSON');
    }
    task.resolve(output);
    return {};
  }

  sendTaskFailure(params: { taskToken?: string; error?: string; cause?: string }) {
    const task = this.takeTask(params.taskToken);
    task.reject(new TaskError(params.error ?? '', params.cause ?? ''));
    return {};
  }

  sendTaskHeartbeat(params: { taskToken?: string }) {
    const task = this.findTask(params.taskToken);
    if (task.heartbeatMs !== undefined) this.armHeartbeat(task);
    return {};
  }

  /** Resolves when the execution has stopped (tests and the CLI wait on this). */
  async whenSettled(executionArn: string): Promise<ExecutionRecord> {
    await this.settled.get(executionArn);
    return this.get(executionArn);
  }

  /** Tokens of the tasks an execution is waiting on now. */
  openTaskTokens(executionArn?: string): string[] {
    if (executionArn) return [...(this.pendingByExecution.get(executionArn) ?? [])];
    return [...this.pending.keys()];
  }

  executionsSummary() {
    const counts: Record<string, number> = {};
    for (const e of this.executions.values()) counts[e.status] = (counts[e.status] ?? 0) + 1;
    return { stateMachineArn: this.stateMachineArn, executions: counts, openTasks: this.pending.size };
  }

  /** Stops every running execution's timers without recording them as stopped (shutdown). */
  shutdown(): void {
    // Running executions stay RUNNING on disk, with where they stand: the next start resumes them.
    for (const record of this.executions.values()) if (record.status === 'RUNNING') this.dirty.add(record);
    this.persist();
    this.stopping = true;
    if (this.journalFd !== undefined) closeSync(this.journalFd);
    this.journalFd = undefined;
    for (const task of this.pending.values()) clearTimeout(task.heartbeatTimer);
    this.pending.clear();
    this.pendingByExecution.clear();
    for (const abort of this.aborters.values()) abort();
    this.aborters.clear();
  }

  // ---- Running ---------------------------------------------------------------------------

  private run(record: ExecutionRecord, input: unknown, machine = this.machine, resumed = false): void {
    const context = {
      Execution: { Id: record.executionArn, Name: record.name, StartTime: record.startDate },
      StateMachine: { Id: this.stateMachineArn, Name: this.options.stateMachineName },
      Task: { Token: sentinelFor(record.executionArn) },
    };
    const execution = machine.run(
      input as never,
      {
        overrides: { taskResourceLocalHandlers: this.overrides, retryIntervalOverrides: this.retryIntervals },
        context,
        noThrowOnAbort: true,
        // Read by our patch of the engine (patches/): task timeouts run this much faster.
        timeScale: this.timeScale,
      } as never,
    );
    this.aborters.set(record.executionArn, () => execution.abort());
    const collecting = this.collectHistory(
      record,
      execution.eventLogs as AsyncGenerator<Record<string, unknown>>,
      resumed,
    );
    const finished = execution.result.then(
      (output) => {
        if (this.stopping) return;
        if (record.status === 'RUNNING') {
          record.status = 'SUCCEEDED';
          record.output = JSON.stringify(output);
        }
      },
      (error: Error) => {
        if (this.stopping || record.status !== 'RUNNING') return;
        const cause = (error as { cause?: Error }).cause;
        record.status = error.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED';
        record.error = cause?.name ?? error.name;
        record.cause = cause?.message ?? error.message;
      },
    );
    this.settled.set(
      record.executionArn,
      Promise.all([finished, collecting]).then(() => {
        if (this.stopping) return;
        record.stopDate ??= new Date().toISOString();
        delete record.resume;
        delete record.pendingToken;
        this.aborters.delete(record.executionArn);
        this.closeTasks(record.executionArn);
        this.persist(record);
        this.events.emit('execution-settled', record);
      }),
    );
  }

  private async collectHistory(
    record: ExecutionRecord,
    events: AsyncGenerator<Record<string, unknown>>,
    resumed: boolean,
  ) {
    for await (const event of events) {
      if (this.stopping) return;
      // A resumed execution carries on its history; it does not start again.
      if (resumed && event.type === 'ExecutionStarted') continue;
      const history = record.history;
      const id = history.length + 1;
      const state = event.state as
        | { name: string; type: string; input?: unknown; output?: unknown }
        | undefined;
      const typeName = historyType(event.type as string, state?.type);
      const details: Record<string, unknown> = {};
      if (event.type === 'StateEntered' && state) {
        details.stateEnteredEventDetails = { name: state.name, input: JSON.stringify(state.input) };
        record.resume = {
          state: state.name,
          input: state.input,
          ...this.deadlineOf(state.name, state.input, event),
        };
      } else if (event.type === 'StateExited' && state) {
        details.stateExitedEventDetails = { name: state.name, output: JSON.stringify(state.output) };
      } else if (event.type === 'StateFailed' && state) {
        // Its task token, if any, was dropped when the attempt ended (closeWhenOver).
        details.taskFailedEventDetails = {
          resource: state.name,
          error: event.Error,
          cause: String(event.Cause ?? ''),
        };
      } else if (event.type === 'StateRetried' || event.type === 'StateCaught') {
        details.stateName = state?.name;
      } else if (event.type === 'ExecutionStarted') {
        details.executionStartedEventDetails = {
          input: record.input,
          roleArn: 'arn:aws:iam::000000000000:role/local',
        };
      } else if (event.type === 'ExecutionSucceeded') {
        details.executionSucceededEventDetails = { output: JSON.stringify(event.output) };
      } else if (event.type === 'ExecutionFailed') {
        details.executionFailedEventDetails = { error: event.Error, cause: String(event.Cause ?? '') };
      }
      history.push({
        id,
        previousEventId: id - 1,
        timestamp: new Date(event.timestamp as number).toISOString(),
        type: typeName,
        details,
      });
      this.persistSoon(record);
    }
  }

  /** The local stand-in for one Task state's resource. */
  private overrideFor(stateName: string, state: AslState): (input: unknown) => Promise<unknown> {
    const resource = state.Resource ?? '';
    const functionName = (parameters: unknown): string => {
      const fn = (parameters as { FunctionName?: unknown } | null)?.FunctionName;
      return typeof fn === 'string' ? lambdaName(fn) : '';
    };
    if (resource === LAMBDA_INVOKE || resource === LAMBDA_INVOKE_WAIT) {
      const staticName = lambdaName(String(state.Parameters?.FunctionName ?? ''));
      const handler = this.options.handlers.get(staticName);
      if (!handler) {
        throw new Error(
          `Task state '${stateName}' invokes function '${staticName || '(dynamic)'}', which has no local handler: add it to config/functions.ts`,
        );
      }
      if (resource === LAMBDA_INVOKE) {
        return async (input) => {
          const payload = (input as { Payload?: unknown }).Payload ?? input;
          const result = await this.invoke(handler, functionName(input), payload);
          return { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 };
        };
      }
      return (input, attempt?: TaskAttempt) =>
        this.waitForToken(stateName, state, handler, functionName(input), input, attempt?.signal);
    }
    if (resource.startsWith('arn:aws:lambda:')) {
      const handler = this.options.handlers.get(lambdaName(resource));
      if (!handler) {
        throw new Error(
          `Task state '${stateName}' invokes '${resource}', which has no local handler: add it to config/functions.ts`,
        );
      }
      return (input) => this.invoke(handler, lambdaName(resource), input);
    }
    throw new Error(
      `Task state '${stateName}' uses resource '${resource}', which the local stack cannot run`,
    );
  }

  private async invoke(handler: LocalHandler, name: string, payload: unknown): Promise<unknown> {
    try {
      return await invokeLocal(handler, name, payload);
    } catch (error) {
      // As the Lambda integration reports a function error: its type is the error name.
      const err = error as Error;
      throw new TaskError(
        err.name || 'Error',
        JSON.stringify({ errorType: err.name, errorMessage: err.message }),
      );
    }
  }

  private waitForToken(
    stateName: string,
    state: AslState,
    handler: LocalHandler,
    name: string,
    input: unknown,
    attemptOver?: AbortSignal,
  ): Promise<unknown> {
    const text = JSON.stringify(input);
    const encodedArn = [...text.matchAll(SENTINEL)][0]?.[1] ?? '';
    const executionArn = Buffer.from(encodedArn, 'base64url').toString();
    const kept = this.resumeTokens.get(executionArn);
    if (kept?.state === stateName) this.resumeTokens.delete(executionArn);
    if (kept?.state === stateName && kept.handled) {
      // Resumed after a restart: the task is stored with this token already; wait on it again.
      this.closeWhenOver(kept.token, executionArn, attemptOver);
      return this.awaitToken(kept.token, executionArn, stateName, state);
    }
    // A task resumed before its handler was known to have finished gets the handler again,
    // with the same token: the handler is idempotent per token, so it stores the task once.
    const token =
      kept?.state === stateName ? kept.token : `${randomBytes(24).toString('base64url')}.${encodedArn}`;
    const withToken = JSON.parse(text.replaceAll(SENTINEL, token)) as { Payload?: unknown };
    const { promise, reject } = this.registerTask(token, executionArn, stateName, state);
    const record = this.executions.get(executionArn);
    if (record) {
      record.pendingToken = { state: stateName, token };
      this.persistSoon(record);
    }
    this.closeWhenOver(token, executionArn, attemptOver);
    this.invoke(handler, name, withToken.Payload ?? withToken).then(
      () => {
        if (record?.pendingToken?.token === token) {
          record.pendingToken.handled = true;
          this.persistSoon(record);
        }
        if (this.pending.has(token)) this.events.emit('task-waiting', { executionArn, stateName, token });
      },
      (error: Error) => {
        this.dropTask(token);
        reject(error);
      },
    );
    return promise;
  }

  /**
   * The token is dead once the state's attempt is over (answered, failed, or timed out, as on
   * AWS): dropped then, synchronously. Closing it later, when the history reaches the attempt's
   * StateFailed, dropped the token of a retry already waiting (a retry can start within the same
   * tick), and the execution then waited on a token nobody could answer.
   */
  private closeWhenOver(token: string, executionArn: string, attemptOver: AbortSignal | undefined): void {
    attemptOver?.addEventListener(
      'abort',
      () => {
        this.dropTask(token);
        const record = this.executions.get(executionArn);
        if (record?.pendingToken?.token === token) {
          delete record.pendingToken;
          this.persistSoon(record);
        }
      },
      { once: true },
    );
  }

  private awaitToken(
    token: string,
    executionArn: string,
    stateName: string,
    state: AslState,
  ): Promise<unknown> {
    const { promise } = this.registerTask(token, executionArn, stateName, state);
    queueMicrotask(() => this.events.emit('task-waiting', { executionArn, stateName, token }));
    return promise;
  }

  /** A task now waiting for its token: answerable through the API, with its heartbeat armed. */
  private registerTask(token: string, executionArn: string, stateName: string, state: AslState) {
    const { promise, resolve, reject } = Promise.withResolvers<unknown>();
    const task: PendingTask = {
      token,
      executionArn,
      stateName,
      resolve,
      reject,
      ...(state.HeartbeatSeconds ? { heartbeatMs: (state.HeartbeatSeconds * 1000) / this.timeScale } : {}),
    };
    this.pending.set(token, task);
    const tokens = this.pendingByExecution.get(executionArn) ?? new Set<string>();
    tokens.add(token);
    this.pendingByExecution.set(executionArn, tokens);
    if (task.heartbeatMs !== undefined) this.armHeartbeat(task);
    return { promise, reject };
  }

  /** When a Task state entered now times out, in workflow time, for resuming after a restart. */
  private deadlineOf(
    stateName: string,
    input: unknown,
    event: Record<string, unknown>,
  ): { deadlineAt?: string } {
    const state = this.definition.States[stateName];
    if (state?.Type !== 'Task') return {};
    const seconds = state.TimeoutSecondsPath
      ? getPath(input, state.TimeoutSecondsPath)
      : state.TimeoutSeconds;
    if (typeof seconds !== 'number') return {};
    return { deadlineAt: new Date((event.timestamp as number) + seconds * 1000).toISOString() };
  }

  private markInterrupted(record: ExecutionRecord): void {
    record.status = 'ABORTED';
    record.stopDate = new Date().toISOString();
    record.error = 'LocalStackRestarted';
    record.cause =
      'The local stack stopped while this execution was running, before it reached a resumable state';
  }

  private armHeartbeat(task: PendingTask): void {
    clearTimeout(task.heartbeatTimer);
    task.heartbeatTimer = setTimeout(() => {
      if (this.dropTask(task.token))
        task.reject(new TaskError('States.HeartbeatTimeout', 'No heartbeat in time'));
    }, task.heartbeatMs);
  }

  private takeTask(token: string | undefined): PendingTask {
    const task = this.findTask(token);
    this.dropTask(task.token);
    return task;
  }

  private findTask(token: string | undefined): PendingTask {
    if (!token) throw new SfnServiceError('InvalidToken', 'Invalid Token: taskToken is required');
    const task = this.pending.get(token);
    if (task) return task;
    if (!this.knownTokenShape(token)) throw new SfnServiceError('InvalidToken', 'Invalid Token');
    // A well-formed token whose task is over: timed out, answered, or its execution stopped.
    throw new SfnServiceError('TaskTimedOut', 'Task Timed Out: the task is no longer waiting for this token');
  }

  private knownTokenShape(token: string): boolean {
    const encoded = token.split('.')[1];
    if (!encoded) return false;
    return this.executions.has(Buffer.from(encoded, 'base64url').toString());
  }

  private dropTask(token: string): boolean {
    const task = this.pending.get(token);
    if (!task) return false;
    clearTimeout(task.heartbeatTimer);
    this.pending.delete(token);
    const tokens = this.pendingByExecution.get(task.executionArn);
    tokens?.delete(token);
    if (tokens?.size === 0) this.pendingByExecution.delete(task.executionArn);
    return true;
  }

  /** The execution is over (or stopped): none of its task tokens answers any more. */
  private closeTasks(executionArn: string): void {
    const record = this.executions.get(executionArn);
    if (record?.pendingToken) delete record.pendingToken;
    for (const token of [...(this.pendingByExecution.get(executionArn) ?? [])]) this.dropTask(token);
  }

  /** A state machine ARN named in a call: ours, else the errors AWS gives. */
  private checkStateMachine(arn: string | undefined, required = false): void {
    if (arn === undefined && !required) return;
    if (!arn || !/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/.test(arn)) {
      throw new SfnServiceError(
        'InvalidArn',
        `Invalid Arn: 'Resource type not valid in this context: ${arn ?? ''}'`,
      );
    }
    if (arn !== this.stateMachineArn) {
      throw new SfnServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    }
  }

  private machineDescription() {
    return {
      definition: this.deployedDefinition,
      roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local-state-machine`,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  /** The top-level state an execution entered last, with its input: where a redrive carries on. */
  private lastEnteredState(record: ExecutionRecord): { state: string; input: unknown } | undefined {
    for (let i = record.history.length - 1; i >= 0; i -= 1) {
      const entered = record.history[i]?.details.stateEnteredEventDetails as
        | { name: string; input: string }
        | undefined;
      if (entered && this.definition.States[entered.name]) {
        return { state: entered.name, input: JSON.parse(entered.input) as unknown };
      }
    }
    return undefined;
  }

  /** true, or why not (DescribeExecution's redriveStatusReason). */
  private redrivable(record: ExecutionRecord): true | string {
    if (!REDRIVABLE_STATUSES.includes(record.status)) return `Execution is ${record.status}`;
    if (Date.now() - Date.parse(record.stopDate ?? record.startDate) > REDRIVE_PERIOD_MS) {
      return 'Execution stopped more than 14 days ago';
    }
    return true;
  }

  private get(executionArn: string | undefined): ExecutionRecord {
    const record = executionArn ? this.executions.get(executionArn) : undefined;
    if (!record)
      throw new SfnServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  // ---- Persistence ------------------------------------------------------------------------
  //
  // One append-only journal (`executions.jsonl`): each line is an execution as it stood when it
  // changed, so the last line of an execution is where it stands. Appending a batch of changes
  // is one write, where a file per execution cost an open, a write, a close and a rename each.
  // A line cut short by a kill is skipped when the journal is read; the journal is rewritten
  // with one line per execution when the engine starts and when it has grown large.

  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  private journalFd: number | undefined;
  private journalBytes = 0;

  /** Marks an execution changed and writes the changed ones shortly (history grows in bursts). */
  private persistSoon(record: ExecutionRecord): void {
    if (!this.persistDir || this.stopping) return;
    this.dirty.add(record);
    if (this.persistTimer) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      void this.persistInBackground();
    }, 200);
    this.persistTimer.unref?.();
  }

  /** Writes every changed execution now (and `record`, when given), before returning. */
  private persist(record?: ExecutionRecord): void {
    if (!this.persistDir || this.stopping) return;
    const lines = this.current(this.takeChanged(record));
    if (!lines.length) return;
    const text = lines.map((line) => line.json).join('');
    writeSync(this.openJournal(), text);
    this.appended(lines, text);
  }

  /** After lines reached the journal: their executions are saved as far as those lines go. */
  private appended(lines: { name: string; generation: number }[], text: string): void {
    this.journalBytes += text.length;
    for (const { name, generation } of lines) this.markWritten(name, generation);
    this.compactIfLarge();
  }

  /** The changed executions (and `record`), serialised now, each with its next generation. */
  private takeChanged(record?: ExecutionRecord): { name: string; json: string; generation: number }[] {
    if (record) this.dirty.add(record);
    clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    const batch = [...this.dirty].map((changed) => ({
      name: changed.name,
      json: `${JSON.stringify(changed)}\n`,
      generation: this.nextGeneration(changed.name),
    }));
    this.dirty.clear();
    return batch;
  }

  /** Leaves out the lines a later change of the same execution has superseded: that one stands for them. */
  private current<T extends { name: string; generation: number }>(lines: T[]): T[] {
    return lines.filter(({ name, generation }) => this.generations.get(name) === generation);
  }

  private markWritten(name: string, generation: number): void {
    if ((this.written.get(name) ?? 0) < generation) this.written.set(name, generation);
  }

  private readonly generations = new Map<string, number>();
  /** The last generation of each execution that reached the disk. */
  private readonly written = new Map<string, number>();
  private writes: Promise<void> = Promise.resolve();
  private flushing: Promise<void> | undefined;

  private nextGeneration(name: string): number {
    const generation = (this.generations.get(name) ?? 0) + 1;
    this.generations.set(name, generation);
    return generation;
  }

  /**
   * Like persist, off the event loop: the executions changed in this turn of the event loop
   * (and `record`) are serialised together and appended by the thread pool in one write.
   * Resolves once they are on disk (StartExecution answers only then, so a started execution
   * survives a kill).
   */
  private persistInBackground(record?: ExecutionRecord): Promise<void> {
    if (!this.persistDir || this.stopping) return this.writes;
    if (record) this.dirty.add(record);
    this.flushing ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.flushing = undefined;
        resolve(this.appendChanged());
      }),
    );
    return this.flushing;
  }

  private appendChanged(): Promise<void> {
    if (this.stopping) return this.writes;
    const batch = this.takeChanged();
    this.writes = this.writes.then(async () => {
      // Serialised above; what a later change superseded meanwhile is not written.
      const lines = this.current(batch);
      if (!lines.length || this.stopping) return;
      try {
        const text = lines.map((line) => line.json).join('');
        await appendText(this.openJournal(), text);
        this.appended(lines, text);
      } catch (error) {
        // The stack goes on; the executions are kept in memory and written with their next change.
        console.error(`Step Functions: could not save executions: ${(error as Error).message}`);
      }
    });
    return this.writes;
  }

  /** Resolves once the execution, as it stands now, is on disk (or at once without a directory). */
  async persisted(executionArn: string): Promise<void> {
    const name = this.executions.get(executionArn)?.name;
    if (!this.persistDir || name === undefined) return;
    const target = this.generations.get(name) ?? 0;
    // A write skipped for a newer one counts once that newer one is written.
    while ((this.written.get(name) ?? 0) < target && !this.stopping) {
      await (this.flushing ?? this.writes);
      const queued = this.writes;
      await queued;
      if (!this.flushing && queued === this.writes && (this.written.get(name) ?? 0) < target) {
        // Nothing further queued, and still not written: the write failed (logged above).
        throw new Error(`Execution ${name} could not be saved under ${this.persistDir}`);
      }
    }
  }

  private get journalFile(): string {
    return join(this.persistDir as string, JOURNAL_FILE);
  }

  private openJournal(): number {
    this.journalFd ??= openSync(this.journalFile, 'a');
    return this.journalFd;
  }

  private compactIfLarge(): void {
    if (this.journalBytes > JOURNAL_COMPACT_BYTES) this.compact();
  }

  /** Rewrites the journal with one line per execution, as each stands now (tmp file, renamed over). */
  private compact(): void {
    if (!this.persistDir) return;
    if (this.journalFd !== undefined) closeSync(this.journalFd);
    this.journalFd = undefined;
    const text = [...this.executions.values()].map((record) => `${JSON.stringify(record)}\n`).join('');
    writeFileSync(`${this.journalFile}.tmp`, text);
    renameSync(`${this.journalFile}.tmp`, this.journalFile);
    this.journalBytes = text.length;
    for (const record of this.executions.values()) {
      this.markWritten(record.name, this.generations.get(record.name) ?? 0);
    }
  }

  /** Loads the records of earlier runs; `resumeInterrupted` carries on the running ones. */
  private load(): void {
    if (!this.persistDir) return;
    mkdirSync(this.persistDir, { recursive: true });
    // Earlier versions kept a file per execution: read first, so the journal's lines win.
    const legacy: string[] = [];
    for (const file of readdirSync(this.persistDir)) {
      if (file.endsWith('.tmp')) rmSync(join(this.persistDir, file), { force: true });
      if (!file.endsWith('.json')) continue;
      legacy.push(file);
      try {
        const record = JSON.parse(readFileSync(join(this.persistDir, file), 'utf8')) as ExecutionRecord;
        this.executions.set(record.executionArn, record);
      } catch {
        // Cut short by a kill mid-write: skipped.
      }
    }
    for (const record of readJournal(this.persistDir).values())
      this.executions.set(record.executionArn, record);
    this.compact();
    for (const file of legacy) rmSync(join(this.persistDir, file), { force: true });
  }
}

/** The journal of executions, under the engine's directory. */
const JOURNAL_FILE = 'executions.jsonl';
/** The journal is rewritten with one line per execution once it passes about this size (characters). */
const JOURNAL_COMPACT_BYTES = 64 * 1024 * 1024;

/** The journal's executions by ARN, each as its last complete line has it. */
function readJournal(executionsDir: string): Map<string, ExecutionRecord> {
  const records = new Map<string, ExecutionRecord>();
  let text = '';
  try {
    text = readFileSync(join(executionsDir, JOURNAL_FILE), 'utf8');
  } catch {
    return records; // No journal yet.
  }
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const record = JSON.parse(line) as ExecutionRecord;
      records.set(record.executionArn, record);
    } catch {
      // The last line, cut short by a kill mid-write: the line before it stands.
    }
  }
  return records;
}

/**
 * The executions saved under a stack's `stepfunctions/executions` directory, by name, as the
 * next start will load them (tests inspect them, and stage what a crash leaves with saveExecution).
 */
export function savedExecutions(executionsDir: string): Map<string, ExecutionRecord> {
  return new Map([...readJournal(executionsDir).values()].map((record) => [record.name, record]));
}

/** Saves an execution as it would stand after a change (appended: the next start loads this). */
export function saveExecution(executionsDir: string, record: ExecutionRecord): void {
  appendFileSync(join(executionsDir, JOURNAL_FILE), `${JSON.stringify(record)}\n`);
}

/** Appends by the thread pool (fs callbacks: lighter on the event loop than fs/promises). */
function appendText(fd: number, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    writeCallback(fd, text, null, 'utf8', (error) => (error ? reject(error) : resolve()));
  });
}

// ---- Helpers --------------------------------------------------------------------------------

const EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
];
const REDRIVABLE_STATUSES: readonly ExecutionStatus[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];
/** AWS redrives an execution for 14 days after it stopped. */
const REDRIVE_PERIOD_MS = 14 * 24 * 3600 * 1000;

/**
 * A page of a list call: `maxResults` 0 (or none) means the service's default, at most 1000;
 * `nextToken` must be one this call handed out (AWS's tokens are opaque: a forged one is
 * InvalidToken, never an arbitrary offset).
 */
function pageOf(
  params: { maxResults?: number; nextToken?: string },
  operation: string,
  total: number,
): { start: number; size: number } {
  const max = params.maxResults ?? 0;
  if (!Number.isInteger(max) || max < 0 || max > 1000) {
    throw new SfnServiceError(
      'ValidationException',
      `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`,
    );
  }
  let start = 0;
  if (params.nextToken !== undefined) {
    const match = /^([A-Za-z]+)\.(\d{1,9})$/.exec(
      Buffer.from(params.nextToken, 'base64url').toString('utf8'),
    );
    start = match ? Number(match[2]) : -1;
    if (!match || match[1] !== operation || start > total) {
      throw new SfnServiceError('InvalidToken', 'Invalid Token: the nextToken was not issued by this call');
    }
  }
  return { start, size: max === 0 ? 100 : max };
}

function pageToken(operation: string, next: number): string {
  return Buffer.from(`${operation}.${next}`, 'utf8').toString('base64url');
}

/** GetExecutionHistory with includeExecutionData false: the events without inputs and outputs. */
function withoutExecutionData(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(details).map(([key, value]) => {
      if (!value || typeof value !== 'object') return [key, value];
      const { input: _input, output: _output, ...rest } = value as Record<string, unknown>;
      return [key, rest];
    }),
  );
}

/** Applies CDK-style `${Name}` substitutions; an unknown placeholder is an error. */
export function substitute(definition: string, substitutions: Record<string, string>): string {
  return definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_match, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`The ASL uses \${${name}}, which has no substitution`);
    return value;
  });
}

export function placeholdersOf(definition: string): Set<string> {
  return new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string));
}

/** Every Task state, including those inside Parallel branches and Map iterators. */
export function* allTaskStates(states: Record<string, AslState>): Generator<[string, AslState]> {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') yield [name, state];
    for (const branch of state.Branches ?? []) yield* allTaskStates(branch.States);
    const inner = state.ItemProcessor ?? state.Iterator;
    if (inner) yield* allTaskStates(inner.States);
  }
}

/** `arn:aws:lambda:region:acct:function:name[:alias]` or a bare name → the function name. */
export function lambdaName(functionArnOrName: string): string {
  const match = /^arn:aws:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(functionArnOrName);
  return match ? (match[1] as string) : functionArnOrName;
}

export function localFunctionArn(name: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
}

/** Reads a simple JSONPath (`$.a.b.c`), as used by TimeoutSecondsPath here. */
function getPath(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)) {
    current = current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
  }
  return current;
}

function setPath(value: Record<string, unknown>, path: string, to: unknown): void {
  const keys = path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean);
  let current: Record<string, unknown> = value;
  for (const key of keys.slice(0, -1)) {
    if (!current[key] || typeof current[key] !== 'object') current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (last) current[last] = to;
}

function historyType(type: string, stateType: string | undefined): string {
  if (type === 'StateEntered') return `${stateType ?? ''}StateEntered`;
  if (type === 'StateExited') return `${stateType ?? ''}StateExited`;
  if (type === 'StateFailed') return stateType === 'Task' ? 'TaskFailed' : `${stateType ?? ''}StateFailed`;
  return type;
}
