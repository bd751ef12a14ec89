import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invocationStats } from '../local/runtime/lambda-runtime.ts';
import { type LocalStack, startLocalStack } from '../local/stack.ts';
import type { Figure } from './figures.ts';

/**
 * The workflow benchmark: drives one complaint along the happy path and one up the whole
 * escalation ladder, through the staff API of an in-process local stack, and reports the
 * state transitions of each and the cost per complaint at AWS list prices.
 */

/**
 * AWS list prices, us-east-1, as published in November 2026 (on-demand, no free tier).
 * Assumptions are named: change them here, not in the arithmetic.
 */
export const PRICES = {
  /** Step Functions Standard: $0.025 per 1,000 state transitions. */
  stateTransition: 0.025 / 1000,
  /** Lambda: $0.20 per million requests. */
  lambdaRequest: 0.2 / 1_000_000,
  /** Lambda arm64: $0.0000133334 per GB-second. */
  lambdaGbSecond: 0.0000133334,
  /** DynamoDB on-demand: $0.625 per million write request units. */
  dynamoWriteUnit: 0.625 / 1_000_000,
  /** DynamoDB on-demand: $0.125 per million read request units. */
  dynamoReadUnit: 0.125 / 1_000_000,
  /** SES: $0.10 per 1,000 emails sent. */
  sesOutbound: 0.1 / 1000,
  /** SES receiving: $0.10 per 1,000 emails plus $0.09 per 1,000 256 KB chunks. */
  sesInbound: 0.1 / 1000 + 0.09 / 1000,
  /** API Gateway HTTP API: $1.00 per million requests. */
  apiRequest: 1 / 1_000_000,
  /** S3: $0.005 per 1,000 PUTs (the raw message), $0.0004 per 1,000 GETs. */
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
  /** CloudWatch Logs ingestion: $0.50 per GB. */
  logGb: 0.5,
  /** X-Ray: $5.00 per million traces recorded. */
  trace: 5 / 1_000_000,
} as const;

export const ASSUMPTIONS = {
  /** Lambda memory of every handler (lib/constructs/handler-function.ts default). */
  lambdaMemoryGb: 0.25,
  /** Billed duration per invocation: SDK round trips to DynamoDB/SES dominate on AWS. */
  lambdaBilledSeconds: 0.2,
  /** Write units per item write (items of up to 2 KB: the record carries the complaint text). */
  writeUnitsPerWrite: 2,
  /** Read units per GetItem/Query (strongly consistent, up to 4 KB). */
  readUnitsPerRead: 1,
  /** Log bytes per invocation (Powertools structured lines, START/END/REPORT). */
  logBytesPerInvocation: 2048,
  /** Every complaint counted as if it arrived by email: intake invocation, raw message put and get. */
  inboundEmails: 1,
} as const;

const HOUR = 3600_000;

export interface PathMeasure {
  transitions: number;
  invocations: number;
  apiRequests: number;
  dynamoWrites: number;
  dynamoReads: number;
  emailsSent: number;
  states: string[];
}

export function costOf(m: PathMeasure): number {
  const invocations = m.invocations + ASSUMPTIONS.inboundEmails;
  return (
    m.transitions * PRICES.stateTransition +
    invocations *
      (PRICES.lambdaRequest +
        ASSUMPTIONS.lambdaMemoryGb * ASSUMPTIONS.lambdaBilledSeconds * PRICES.lambdaGbSecond) +
    (m.dynamoWrites + ASSUMPTIONS.inboundEmails) * ASSUMPTIONS.writeUnitsPerWrite * PRICES.dynamoWriteUnit +
    m.dynamoReads * ASSUMPTIONS.readUnitsPerRead * PRICES.dynamoReadUnit +
    m.emailsSent * PRICES.sesOutbound +
    ASSUMPTIONS.inboundEmails * (PRICES.sesInbound + PRICES.s3Put + PRICES.s3Get) +
    m.apiRequests * PRICES.apiRequest +
    (invocations * ASSUMPTIONS.logBytesPerInvocation * PRICES.logGb) / 1024 ** 3 +
    (m.apiRequests + 1) * PRICES.trace
  );
}

class Driver {
  apiRequests = 0;
  private readonly stack: LocalStack;
  constructor(stack: LocalStack) {
    this.stack = stack;
  }

  private async token(username: string) {
    const response = await fetch(`${this.stack.urls.web}/api/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username }),
    });
    return ((await response.json()) as { token: string }).token;
  }

  async call(username: string, method: string, path: string, body?: unknown) {
    this.apiRequests += 1;
    const response = await fetch(`${this.stack.urls.web}${path}`, {
      method,
      headers: { authorization: `Bearer ${await this.token(username)}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const result = (await response.json()) as Record<string, unknown>;
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(result)}`);
    return result;
  }

  /** Waits for the workflow to open the next task on the complaint, then completes it as `username`. */
  async act(username: string, ref: string, decision: unknown) {
    const task = await this.waitForTask(username, ref);
    await this.call(username, 'POST', `/api/tasks/${encodeURIComponent(task.id)}/complete`, decision);
  }

  async waitForTask(username: string, ref: string): Promise<{ id: string; step: string }> {
    const arn = `${this.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;
    for (;;) {
      // Listing counts as the API request a person's inbox makes.
      const { items } = (await this.call(username, 'GET', '/api/tasks')) as {
        items: { id: string; ref: string; step: string }[];
      };
      const task = items.find((item) => item.ref === ref);
      if (task) return task;
      await new Promise<void>((resolve) => {
        const onTask = (event: { executionArn: string }) => {
          if (event.executionArn !== arn) return;
          this.stack.stepFunctions.events.off('task-waiting', onTask);
          resolve();
        };
        this.stack.stepFunctions.events.on('task-waiting', onTask);
      });
    }
  }
}

export async function measure(
  stack: LocalStack,
  run: (driver: Driver) => Promise<string>,
): Promise<PathMeasure> {
  const invocationsBefore = totalInvocations();
  const dynamoBefore = await stack.dynamoRequests();
  const outboxBefore = await outboxSize(stack);
  const driver = new Driver(stack);
  const ref = await run(driver);
  const arn = `${stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;
  const settled = await stack.stepFunctions.whenSettled(arn);
  if (settled.status !== 'SUCCEEDED')
    throw new Error(`${ref} ended ${settled.status}: ${settled.error} ${settled.cause}`);
  const states = settled.history
    .filter((event) => event.type.endsWith('StateEntered'))
    .map((event) => String((event.details.stateEnteredEventDetails as { name: string }).name));
  const dynamoAfter = await stack.dynamoRequests();
  const delta = (ops: string[]) =>
    ops.reduce((sum, op) => sum + (dynamoAfter.get(op) ?? 0) - (dynamoBefore.get(op) ?? 0), 0);
  return {
    transitions: states.length,
    states,
    invocations: totalInvocations() - invocationsBefore,
    apiRequests: driver.apiRequests,
    dynamoWrites: delta(['PutItem', 'UpdateItem', 'DeleteItem']),
    dynamoReads: delta(['GetItem', 'Query']),
    emailsSent: (await outboxSize(stack)) - outboxBefore,
  };
}

function totalInvocations(): number {
  let total = 0;
  for (const stats of invocationStats.values()) total += stats.count;
  return total;
}

async function outboxSize(stack: LocalStack): Promise<number> {
  const store = (await (await fetch(`${stack.urls.sesOutbox}/store`)).json()) as { emails: unknown[] };
  return store.emails.length;
}

const COMPLAINT = {
  channel: 'phone',
  area: 'kowloon-east',
  building: '海濱花園第三座',
  unit: '12樓B室',
  owner: { name: '陳大文', phone: '+852 9123 4567', email: 'chan@example.com' },
  content: '浴室天花板滲水已經一星期。',
  category: 'water-leak',
  checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: false },
};

export async function happyPath(d: Driver, ref?: string): Promise<string> {
  const id =
    ref ?? String((await d.call('reception.kowloon-east', 'POST', '/api/complaints', COMPLAINT)).ref);
  await d.act('supervisor.kowloon-east', id, {
    action: 'sign',
    opinion: '安排工程部檢查',
    category: 'water-leak',
    department: 'engineering',
  });
  await d.act('engineering.kowloon-east', id, {
    plannedStart: new Date(Date.now() + HOUR).toISOString(),
    plannedCompletion: new Date(Date.now() + 30 * 24 * HOUR).toISOString(),
  });
  await d.act('followup.kowloon-east', id, { action: 'accept' });
  // Done at once, before the committed start an hour ahead: the API wants a note saying why.
  await d.act('engineering.kowloon-east', id, { action: 'done', note: 'Done early: the owner was at home' });
  await d.act('followup.kowloon-east', id, { rating: 'satisfied' });
  await d.act('supervisor.kowloon-east', id, {});
  await d.act('clerk.kowloon-east', id, {});
  return id;
}

/** Left alone at supervisor review until the manager has been reminded once; then the manager resolves it. */
export async function ladderPath(stack: LocalStack, d: Driver): Promise<string> {
  const ref = String((await d.call('reception.kowloon-east', 'POST', '/api/complaints', COMPLAINT)).ref);
  const arn = `${stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;
  // Supervisor review, customer service, manager, manager again (the reminder).
  let managerTasks = 0;
  await new Promise<void>((resolve) => {
    const onTask = (event: { executionArn: string; stateName: string }) => {
      if (event.executionArn !== arn || event.stateName !== 'Escalate to manager') return;
      managerTasks += 1;
      if (managerTasks === 2) {
        stack.stepFunctions.events.off('task-waiting', onTask);
        resolve();
      }
    };
    stack.stepFunctions.events.on('task-waiting', onTask);
  });
  await d.act('manager.kowloon-east', ref, { action: 'resolve', note: '已督促主任處理' });
  return happyPath(d, ref);
}

export async function benchWorkflow(log: (line: string) => void): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'complaints-bench-'));
  // A day of workflow time per second: the ladder's deadlines pass in seconds.
  const stack = await startLocalStack({
    dataDir,
    ports: { web: 0, smtp: 0, ses: 0, dynamodb: 0, s3: 0, sfn: 0 },
    timeScale: 86_400,
  });
  try {
    const happy = await measure(stack, (d) => happyPath(d));
    const ladder = await measure(stack, (d) => ladderPath(stack, d));
    const happyCost = costOf(happy);
    const ladderCost = costOf(ladder);
    log(`workflow: happy path ${happy.transitions} transitions: ${happy.states.join(' → ')}`);
    log(`workflow: ladder path ${ladder.transitions} transitions: ${ladder.states.join(' → ')}`);
    for (const [name, m, cost] of [
      ['happy path', happy, happyCost],
      ['ladder path', ladder, ladderCost],
    ] as const) {
      log(
        `workflow: ${name}: ${m.invocations} Lambda invocations, ${m.apiRequests} API requests, ${m.dynamoWrites} DynamoDB writes, ${m.dynamoReads} reads, ${m.emailsSent} emails sent → $${cost.toFixed(6)} per complaint`,
      );
    }
    return [
      {
        name: 'workflow.happy_path_transitions',
        value: happy.transitions,
        unit: 'transitions',
        goal: '≤ 40',
      },
      {
        name: 'workflow.ladder_path_transitions',
        value: ladder.transitions,
        unit: 'transitions',
        goal: null,
      },
      {
        name: 'workflow.cost_usd_per_complaint',
        value: Number(happyCost.toFixed(6)),
        unit: 'USD',
        goal: '≤ 0.002',
      },
      {
        name: 'workflow.cost_usd_ladder_complaint',
        value: Number(ladderCost.toFixed(6)),
        unit: 'USD',
        goal: null,
      },
      { name: 'workflow.happy_path_emails', value: happy.emailsSent, unit: 'emails', goal: null },
      {
        name: 'workflow.happy_path_lambda_invocations',
        value: happy.invocations,
        unit: 'invocations',
        goal: null,
      },
    ];
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
