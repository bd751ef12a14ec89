import { mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invocationStats } from '../../local/runtime/lambda-runtime.ts';
import { describeFaults } from '../harness/fault-proxy.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { EXPECTED_OUTCOMES, planForms, planMail, sendMail, submitForms } from './burst.ts';
import { acknowledgedRef, directDynamo, readOutbox, readTable, tally } from './inspect.ts';

/**
 * Faults as AWS has them, injected at random between the handlers and DynamoDB, S3 and SES
 * (test/harness/fault-proxy.ts: throttling, 5xx refused before the service acted, and 5xx whose answer
 * was lost after it acted) while 1,000 emails and 300 form submissions arrive. Once the retries
 * settle — the SDK's, Lambda's on the intake event, Step Functions' on the tasks, the senders'
 * — every accepted message is exactly one complaint or one mail-log line saying what else it
 * was, every form is exactly one complaint, and every owner who should be acknowledged got
 * exactly one acknowledgement. FAULT_BURST_EMAILS / FAULT_BURST_FORMS shrink it while working.
 */
const EMAILS = Number(process.env.FAULT_BURST_EMAILS ?? 1000);
const FORMS = Number(process.env.FAULT_BURST_FORMS ?? 300);
const FAULTS = { rate: 0.05, seed: 20_261_127, outages: { chance: 0.003, ms: 1000 } };
const TAG = `b${Date.now().toString(36)}`;

let t: TestStack;
let db: DynamoDBDocumentClient;
/** The token of the task each execution waits on, once create-task has stored it. */
const waitingOn = new Map<string, string>();

beforeAll(async () => {
  t = await startTestStack({ faults: FAULTS });
  db = directDynamo(t.stack.urls.dynamodb);
  t.stack.stepFunctions.events.on('task-waiting', (task) => waitingOn.set(task.executionArn, task.token));
});
afterAll(async () => {
  db?.destroy();
  await t?.stopRunningExecutions();
  await t?.stop();
});

const arnOf = (ref: string) => `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

/** Every execution, whatever its status. */
function allExecutions() {
  const executions: { executionArn: string; status: string }[] = [];
  let nextToken: string | undefined;
  do {
    const page = t.stack.stepFunctions.listExecutions({
      maxResults: 1000,
      ...(nextToken ? { nextToken } : {}),
    });
    executions.push(...page.executions);
    nextToken = page.nextToken;
  } while (nextToken);
  return executions;
}

/**
 * Waits until SMTP intake is idle: its retries done, and what still failed redriven from the
 * dead-letter directory into the journal (as ops would) and taken in. Returns how many were.
 */
async function drainMail(timeoutMs: number): Promise<number> {
  const started = Date.now();
  const deadLetters = join(t.dataDir, 'dead-letters');
  const journal = join(t.dataDir, 'smtp-journal');
  mkdirSync(deadLetters, { recursive: true });
  let redriven = 0;
  for (;;) {
    await t.stack.mailIdle();
    const dead = readdirSync(deadLetters).filter((f) => f.endsWith('.json'));
    for (const file of dead) renameSync(join(deadLetters, file), join(journal, file));
    redriven += dead.length;
    if (dead.length === 0 && readdirSync(journal).every((f) => !f.endsWith('.json'))) return redriven;
    if (Date.now() - started > timeoutMs) throw new Error(`Mail not taken in after ${timeoutMs / 1000} s`);
    await sleep(500);
  }
}

/**
 * Waits until the retries have settled: mail taken in (see drainMail), and every execution
 * either stopped or waiting on a task whose create-task succeeded.
 */
async function settle(timeoutMs: number): Promise<{ redriven: number; seconds: number }> {
  const started = Date.now();
  let redriven = 0;
  for (;;) {
    redriven += await drainMail(timeoutMs);
    const busy = allExecutions().filter((e) => {
      if (e.status !== 'RUNNING') return false;
      const token = waitingOn.get(e.executionArn);
      return !token || !t.stack.stepFunctions.openTaskTokens(e.executionArn).includes(token);
    });
    if (busy.length === 0) return { redriven, seconds: (Date.now() - started) / 1000 };
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `Not settled after ${timeoutMs / 1000} s: ${busy.length} executions busy\n${busy
          .slice(0, 5)
          .map((e) => describeBusy(e.executionArn))
          .join('\n')}`,
      );
    }
    await sleep(1000);
  }
}

/** Where a busy execution stands: the task it waits on (if any) and its last history events. */
function describeBusy(executionArn: string): string {
  const { events } = t.stack.stepFunctions.getExecutionHistory({
    executionArn,
    reverseOrder: true,
    maxResults: 4,
  });
  const last = events.map((event) => {
    const {
      id: _id,
      previousEventId: _previous,
      timestamp,
      type,
      ...details
    } = event as Record<string, unknown>;
    return `${String(timestamp)} ${String(type)} ${JSON.stringify(details).slice(0, 300)}`;
  });
  return [
    `${executionArn.split(':').at(-1)}: waits on ${waitingOn.get(executionArn) ? 'a task' : 'no task'}, open tokens ${t.stack.stepFunctions.openTaskTokens(executionArn).length}`,
    ...last.map((line) => `    ${line}`),
  ].join('\n');
}

describe('faults injected into DynamoDB, S3 and SES', () => {
  it('gives a repeated form submission the complaint it opened, and refuses its id with other details', async () => {
    const [planned] = planForms(1, `${TAG}x`);
    if (!planned) throw new Error('no form');
    const form = { ...planned, body: { ...planned.body, content: '重複提交：外牆有石屎剝落。' } };
    const first = await submitForms(t.stack.urls.web, [form]);
    const again = await submitForms(t.stack.urls.web, [form]);
    expect(first.submitted[0]?.status).toBe(201);
    expect(again.submitted[0]).toMatchObject({
      status: 201,
      ref: first.submitted[0]?.ref,
      receivedAt: first.submitted[0]?.receivedAt,
    });
    const changed = { ...form, body: { ...form.body, content: '另一件事' } };
    expect((await submitForms(t.stack.urls.web, [changed])).submitted[0]?.status).toBe(409);
    const ref = String(first.submitted[0]?.ref);
    const events = (await t.complaintItems(ref)).filter((i) => i.action === 'complaint-received');
    expect(events).toHaveLength(1);
  });

  it('loses and doubles nothing in a burst of emails and form submissions', async () => {
    const began = Date.now();
    const mail = planMail(EMAILS, TAG);
    const forms = planForms(FORMS, TAG);
    const [sent, submitted] = await Promise.all([
      sendMail(t.stack.smtpPort, mail.first),
      submitForms(t.stack.urls.web, forms, { repeatEvery: 10 }),
    ]);
    // Replies answer complaints of the burst: sent once those were taken in.
    const redrivenFirst = await drainMail(300_000);
    const replies = await sendMail(t.stack.smtpPort, mail.replies);
    const sendSeconds = (Date.now() - began) / 1000;
    const settled = await settle(420_000);
    const redriven = redrivenFirst + settled.redriven;
    const settleSeconds = settled.seconds;
    const accepted = [...sent.accepted, ...replies.accepted];
    const faults = t.faults();

    const state = await readTable(db, t.stack.tableName);
    const outbox = await readOutbox(t.stack.urls.sesOutbox);
    const acks = new Map<string, string[][]>();
    for (const email of outbox) {
      const ref = acknowledgedRef(email);
      if (ref) acks.set(ref, [...(acks.get(ref) ?? []), email.destination.to]);
    }
    const outcomes = tally(accepted.map((a) => String(state.mailLog.get(a.sesMessageId)?.[0]?.outcome)));
    const executions = allExecutions();
    const statuses = tally(executions.map((e) => e.status));
    // Handler-level retries: Step Functions' Retry of a task, Lambda's of the intake event.
    const taskRetries = tally(
      executions.flatMap((e) =>
        t.stack.stepFunctions
          .getExecutionHistory({ executionArn: e.executionArn, maxResults: 1000 })
          .events.filter((event) => event.type === 'StateRetried')
          .map((event) => String((event as { stateName?: string }).stateName)),
      ),
    );
    const intakeRetries = (invocationStats.get('intake-email')?.count ?? 0) - accepted.length - redriven;
    console.log(
      [
        `fault burst: ${EMAILS} emails, ${FORMS} forms in ${sendSeconds.toFixed(0)} s, settled ${settleSeconds.toFixed(0)} s later`,
        describeFaults(faults),
        `  smtp: ${accepted.length} accepted, ${sent.retried + replies.retried} resent after a 4xx, ${intakeRetries} intake retries, ${redriven} redriven from dead letters`,
        `  step functions task retries: ${JSON.stringify(taskRetries)}`,
        `  forms: ${submitted.submitted.length} submitted, ${submitted.resent} resent after a 5xx, ${submitted.repeats.length} repeated after their 201`,
        `  mail-log outcomes: ${JSON.stringify(outcomes)}`,
        `  complaints: ${state.complaints.size}; executions: ${JSON.stringify(statuses)}`,
        `  acknowledgements in the outbox: ${[...acks.values()].reduce((n, list) => n + list.length, 0)} for ${acks.size} complaints`,
      ].join('\n'),
    );

    // Faults were injected into every service, and in both phases.
    expect(faults.total).toBeGreaterThan(0);
    for (const service of ['dynamodb', 's3', 'ses'] as const) {
      expect(Object.keys(faults.injected[service]).length, service).toBeGreaterThan(0);
    }
    expect(
      Object.values(faults.injected.dynamodb).reduce((n, by) => n + by.after, 0),
      'DynamoDB writes applied whose answer was lost',
    ).toBeGreaterThan(0);

    // Every message was accepted in the end, and each has exactly one mail-log line of its kind.
    expect([...sent.refused, ...replies.refused]).toEqual([]);
    expect(accepted).toHaveLength(mail.first.length + mail.replies.length);
    const refOfMessage = new Map<string, string>();
    for (const { mail: message, sesMessageId } of accepted) {
      const lines = state.mailLog.get(sesMessageId) ?? [];
      expect(lines, `${message.kind} message ${message.index}`).toHaveLength(1);
      const line = lines[0] as Record<string, unknown>;
      expect(EXPECTED_OUTCOMES[message.kind], `${message.kind} message ${message.index}`).toContain(
        line.outcome,
      );
      if (line.outcome === 'complaint-opened') {
        expect(refOfMessage.has(String(message.messageId)), `one complaint for ${message.messageId}`).toBe(
          false,
        );
        refOfMessage.set(String(message.messageId), String(line.ref));
        const complaint = state.complaints.get(String(line.ref));
        expect(complaint, `complaint of message ${message.index}`).toBeDefined();
        expect((complaint?.record.email as { sesMessageId?: string } | undefined)?.sesMessageId).toBe(
          sesMessageId,
        );
      }
    }
    // The same message delivered twice opened one complaint (the other copy is a duplicate).
    for (const message of mail.first.filter((m) => m.kind === 'duplicate')) {
      expect(refOfMessage.has(String(message.messageId)), `${message.messageId} opened`).toBe(true);
    }
    // A reply was filed on the complaint it answers.
    for (const reply of mail.replies) {
      const line = state.mailLog.get(
        accepted.find((a) => a.mail === reply)?.sesMessageId ?? '',
      )?.[0] as Record<string, unknown>;
      expect(line.ref).toBe(refOfMessage.get(String(reply.inReplyTo)));
    }

    // Every form is one complaint: a 201 each, the same reference for a repeat, no other record.
    expect(submitted.submitted.filter((s) => s.status !== 201)).toEqual([]);
    const formRefs = new Set(submitted.submitted.map((s) => String(s.ref)));
    expect(formRefs.size).toBe(FORMS);
    for (const repeat of submitted.repeats) {
      expect(repeat.ref).toBe(submitted.submitted.find((s) => s.form === repeat.form)?.ref);
    }
    for (const { form, ref } of submitted.submitted) {
      expect(state.complaints.get(String(ref))?.record.content).toBe(form.body.content);
    }

    // No complaint beyond those: nothing doubled, nothing half-written.
    const emailComplaints = [...state.complaints.values()].filter((c) => c.record.channel === 'email');
    expect(emailComplaints).toHaveLength(refOfMessage.size);
    const fromForms = [...state.complaints.values()].filter(
      (c) => c.record.channel !== 'email' && String(c.record.content).startsWith('表格 F'),
    );
    expect(fromForms.map((c) => c.ref).sort()).toEqual([...formRefs].sort());
    expect(state.orphans).toEqual([]);

    // Every workflow runs and waits on its first human step (its one open task), or on customer
    // service's Resolve workflow error task after a step failed every retry (said so on the
    // complaint's timeline); each complaint has its audit lines once.
    let acknowledged = 0;
    let resolving = 0;
    for (const complaint of [...emailComplaints, ...fromForms]) {
      const { ref, record, tasks, events } = complaint;
      const execution = t.stack.stepFunctions.describeExecution({ executionArn: arnOf(ref) });
      const actions = tally(events.map((e) => String(e.action)));
      expect(actions['complaint-received'], ref).toBe(1);
      // Each task has its line once; a task left by an attempt that failed (a retry comes with a
      // new token, and cancels it) may have none.
      for (const task of tasks) {
        const opened = events.filter(
          (e) => e.action === 'task-opened' && (e.details as { taskId?: string }).taskId === task.id,
        );
        if (task.status === 'cancelled') expect(opened.length, String(task.id)).toBeLessThanOrEqual(1);
        else expect(opened, `task-opened of ${String(task.id)}`).toHaveLength(1);
      }
      const flags = record.flags as { acknowledge: string; needsClarification: boolean };
      const ackExpected = flags.acknowledge === 'email' && !flags.needsClarification;
      const sentTo = acks.get(ref) ?? [];
      if (sentTo.length > 1) {
        // What the complaint recorded, for the diagnosis of a doubled email.
        console.log(
          JSON.stringify(
            {
              ref,
              emails: outbox.filter((e) => acknowledgedRef(e) === ref),
              items: complaint.items.map(({ PK: _pk, details: _details, ...item }) => item),
            },
            null,
            1,
          ),
        );
      }
      if (execution.status === 'RUNNING') {
        const open = tasks.filter((task) => task.status === 'open');
        expect(open, `${ref} open tasks`).toHaveLength(1);
        expect(open[0]?.taskToken, `${ref} waits on its stored task`).toBe(waitingOn.get(arnOf(ref)));
        if (open[0]?.step === 'resolveWorkflowError') {
          resolving += 1;
          expect(actions['workflow-error'], `${ref} failed and recorded`).toBeGreaterThanOrEqual(1);
          expect(sentTo.length).toBeLessThanOrEqual(1);
        } else {
          expect(sentTo, `${ref} acknowledgements`).toHaveLength(ackExpected ? 1 : 0);
          expect(actions['owner-acknowledgement-sent'] ?? 0, ref).toBe(ackExpected ? 1 : 0);
        }
      } else {
        expect(execution.status, ref).toBe('FAILED');
        expect(actions['workflow-error'], `${ref} failed and recorded`).toBe(1);
        expect(sentTo.length).toBeLessThanOrEqual(1);
      }
      if (sentTo.length) {
        expect(sentTo[0]).toEqual([(record.owner as { email: string }).email]);
        acknowledged += 1;
      }
    }
    for (const ref of acks.keys()) expect(state.complaints.has(ref), `acknowledged ${ref}`).toBe(true);
    // Emails to owners are new complaints: all of them were acknowledged, as were the forms with an email.
    const expectedAcks =
      emailComplaints.length +
      forms.filter((f) => f.acknowledgedByEmail).length -
      (statuses.FAILED ?? 0) -
      resolving;
    expect(acknowledged).toBeGreaterThanOrEqual(expectedAcks);
  }, 600_000);
});
