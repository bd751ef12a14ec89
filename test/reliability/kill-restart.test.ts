import { type ChildProcess, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SendTaskHeartbeatCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { journalBacklog } from '../../local/mail/smtp-journal.ts';
import { PROJECT_ROOT } from '../../local/stack.ts';
import { type ExecutionRecord, savedExecutions, saveExecution } from '../../local/stepfunctions/engine.ts';
import { startLocalStart, urlOf } from '../harness/npm-start.ts';
import {
  type Accepted,
  EXPECTED_OUTCOMES,
  planForms,
  planMail,
  type Submitted,
  sendMail,
  submitForms,
} from './burst.ts';
import { acknowledgedRef, directDynamo, readOutbox, readTable, type TableState, tally } from './inspect.ts';

/**
 * `npm start` killed with SIGKILL in the middle of a burst of emails and form submissions, then
 * started again on the same data directory: every message the SMTP server accepted (250) and
 * every form the API answered 201 ends as exactly one complaint whose workflow waits on its
 * first human task — none lost, none doubled. What was in flight is sent again after the
 * restart, as an MTA and the web app do.
 */
const EMAILS = Number(process.env.KILL_BURST_EMAILS ?? 300);
const FORMS = Number(process.env.KILL_BURST_FORMS ?? 100);
const TAG = `k${Date.now().toString(36)}`;
const dataDir = mkdtempSync(join(tmpdir(), 'complaints-kill-'));
const children = new Set<ChildProcess>();
/** A Message-ID as the mail log keeps it: without its angle brackets, lower case. */
const bare = (messageId: string) => messageId.replace(/^<|>$/g, '').toLowerCase();

const crashDir = mkdtempSync(join(tmpdir(), 'complaints-crash-'));

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(crashDir, { recursive: true, force: true });
});

interface Running {
  readonly child: ChildProcess;
  readonly urls: {
    web: string;
    smtpPort: number;
    dynamodb: string;
    sesOutbox: string;
    sfn: string;
    s3: string;
  };
  readonly exited: Promise<number | null>;
  output(): string;
}

async function launch(dir = dataDir): Promise<Running> {
  const started = startLocalStart({ dataDir: dir, env: { REPORT_SCHEDULE: 'off' }, children });
  const stdout = await started.ready;
  const url = (label: string) => urlOf(stdout, label);
  return {
    child: started.child,
    exited: started.exited,
    output: () => {
      const { stdout: out, stderr } = started.output();
      return out + stderr;
    },
    urls: {
      web: url('Web app'),
      smtpPort: Number(new URL(url('SMTP intake')).port),
      dynamodb: url('DynamoDB'),
      sesOutbox: url('SES outbox'),
      sfn: url('Step Functions'),
      s3: url('S3'),
    },
  };
}

/**
 * Waits until the restarted stack has taken in what its journal held and every complaint's
 * workflow waits on a stored task whose token answers (SendTaskHeartbeat), then returns the table.
 */
async function settle(
  running: Running,
  db: DynamoDBDocumentClient,
  sfn: SFNClient,
  timeoutMs: number,
): Promise<TableState> {
  const started = Date.now();
  const arnPrefix = 'arn:aws:states:us-east-1:000000000000:execution:complaint:';
  for (;;) {
    const journalled = journalBacklog(join(dataDir, 'smtp-journal'));
    const state = await readTable(db, 'complaints');
    let waiting = 0;
    if (journalled === 0) {
      for (const { ref, tasks } of state.complaints.values()) {
        const execution = await sfn
          .send(new DescribeExecutionCommand({ executionArn: `${arnPrefix}${ref}` }))
          .catch(() => undefined);
        const open = tasks.filter((task) => task.status === 'open');
        if (execution?.status !== 'RUNNING' || open.length !== 1) break;
        const answers = await sfn
          .send(new SendTaskHeartbeatCommand({ taskToken: String(open[0]?.taskToken) }))
          .then(() => true)
          .catch(() => false);
        if (!answers) break;
        waiting += 1;
      }
      if (waiting === state.complaints.size) return state;
    }
    if (Date.now() - started > timeoutMs) {
      console.log(running.output());
      return state; // The assertions say what is missing.
    }
    await sleep(1000);
  }
}

describe('npm start killed mid-burst and started again', () => {
  it('loses and doubles nothing it accepted: every 250 and every 201 is one complaint with its workflow waiting on a person', async () => {
    const mail = planMail(EMAILS, TAG).first;
    const forms = planForms(FORMS, TAG);
    const first = await launch();

    // The burst, cut short by SIGKILL once a good part of it is in.
    let killed = false;
    const stop = () => killed;
    const sending = sendMail(first.urls.smtpPort, mail, { stop, attempts: 3 });
    const submitting = submitForms(first.urls.web, forms, { stop });
    const began = Date.now();
    while (Date.now() - began < 30_000) {
      const complaints = savedExecutions(join(dataDir, 'stepfunctions', 'executions')).size;
      if (complaints >= (EMAILS + FORMS) / 4) break;
      await sleep(50);
    }
    first.child.kill('SIGKILL');
    killed = true;
    const killedAfter = (Date.now() - began) / 1000;
    await first.exited;
    const before = await Promise.all([sending, submitting]);
    const acceptedBefore = before[0].accepted;
    const answeredBefore = before[1].submitted.filter((s) => s.status === 201);

    // Started again on the same data: what was not accepted or not answered is sent again.
    const second = await launch();
    const acceptedIds = new Set(acceptedBefore.map((a) => a.mail));
    const answeredForms = new Set(answeredBefore.map((s) => s.form));
    const [resent, resubmitted] = await Promise.all([
      sendMail(
        second.urls.smtpPort,
        mail.filter((m) => !acceptedIds.has(m)),
      ),
      submitForms(
        second.urls.web,
        forms.filter((f) => !answeredForms.has(f)),
      ),
    ]);
    const db = directDynamo(second.urls.dynamodb);
    const sfn = new SFNClient({
      endpoint: second.urls.sfn,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const state = await settle(second, db, sfn, 120_000);
    const accepted: Accepted[] = [...acceptedBefore, ...resent.accepted];
    const submitted: Submitted[] = [...answeredBefore, ...resubmitted.submitted];
    const outbox = await readOutbox(second.urls.sesOutbox);
    const acks = tally(outbox.map((e) => acknowledgedRef(e) ?? '').filter(Boolean));
    const restartLog = second
      .output()
      .split('\n')
      .filter((line) => /resumed|journal|LocalStackRestarted/.test(line));
    console.log(
      [
        `kill-restart: SIGKILL ${killedAfter.toFixed(1)} s into the burst`,
        `  before the kill: ${acceptedBefore.length} emails accepted, ${answeredBefore.length} forms answered 201, ${before[1].submitted.length - answeredBefore.length} unanswered`,
        `  after the restart: ${resent.accepted.length} emails sent again, ${resubmitted.submitted.length} forms sent again`,
        ...restartLog.map((line) => `  stack: ${line.trim()}`),
        `  complaints: ${state.complaints.size}; mail-log outcomes: ${JSON.stringify(tally(accepted.map((a) => String(state.mailLog.get(a.sesMessageId)?.[0]?.outcome))))}`,
        `  acknowledgements since the restart (the local outbox is kept in memory): ${Object.values(acks).reduce((a, b) => a + b, 0)} for ${Object.keys(acks).length} complaints, ${Object.values(acks).filter((n) => n > 1).length} sent twice`,
      ].join('\n'),
    );

    // The kill landed mid-burst: some was in, some was not.
    expect(acceptedBefore.length).toBeGreaterThan(0);
    expect(acceptedBefore.length + answeredBefore.length).toBeLessThan(EMAILS + FORMS);

    // Every accepted message: one mail-log line of its kind; one complaint per Message-ID.
    expect(resent.refused).toEqual([]);
    const refOfMessage = new Map<string, string>();
    // A message the kill caught after its journal entry but before its 250 reached the sender
    // is delivered twice: from the journal after the restart, and sent again by the sender.
    // Whichever delivery claims the Message-ID first has the outcome of the message's kind
    // (opened, held, threaded...); the other is logged as its duplicate. Exactly one complaint
    // per Message-ID is checked below.
    const sentAgain = new Set(resent.accepted.map((a) => a.sesMessageId));
    const allLines = [...state.mailLog.values()].flat();
    for (const { mail: message, sesMessageId } of accepted) {
      const lines = state.mailLog.get(sesMessageId) ?? [];
      const label = `${message.kind} message ${message.index} (${sesMessageId})`;
      expect(lines, label).toHaveLength(1);
      const line = lines[0] as Record<string, unknown>;
      if (sentAgain.has(sesMessageId) && line.outcome === 'duplicate' && message.messageId) {
        const journalled = allLines.filter(
          (other) =>
            other.sesMessageId !== sesMessageId &&
            bare(String(other.messageId)) === bare(String(message.messageId)),
        );
        // (A planned duplicate pair has a third delivery of the same Message-ID: its twin.)
        expect(
          journalled.some((other) => EXPECTED_OUTCOMES[message.kind].includes(String(other.outcome))),
          `${label}: another delivery of its Message-ID has the outcome of its kind`,
        ).toBe(true);
        continue;
      }
      expect(EXPECTED_OUTCOMES[message.kind], label).toContain(line.outcome);
    }
    for (const line of allLines) {
      if (line.outcome !== 'complaint-opened') continue;
      const messageId = bare(String(line.messageId));
      expect(refOfMessage.has(messageId), `one complaint for ${messageId}`).toBe(false);
      refOfMessage.set(messageId, String(line.ref));
    }
    const sentMessageIds = new Set(
      accepted
        .filter((a) => a.mail.kind === 'new' || a.mail.kind === 'duplicate')
        .map((a) => bare(String(a.mail.messageId))),
    );
    for (const messageId of sentMessageIds) expect(refOfMessage.has(messageId), messageId).toBe(true);

    // Every form: a 201 in the end, one complaint each.
    expect(submitted.filter((s) => s.status !== 201)).toEqual([]);
    expect(submitted).toHaveLength(FORMS);
    const formRefs = new Set(submitted.map((s) => String(s.ref)));
    expect(formRefs.size).toBe(FORMS);
    for (const { form, ref } of submitted) {
      expect(state.complaints.get(String(ref))?.record.content, `form ${form.index}`).toBe(form.body.content);
    }

    // Nothing beyond: as many complaints as Message-IDs and forms, each waiting on a person.
    expect(state.orphans).toEqual([]);
    const emailComplaints = [...state.complaints.values()].filter((c) => c.record.channel === 'email');
    expect(emailComplaints.map((c) => c.ref).sort()).toEqual([...refOfMessage.values()].sort());
    expect(state.complaints.size).toBe(refOfMessage.size + FORMS);
    for (const { ref, tasks, events } of state.complaints.values()) {
      const execution = await sfn.send(
        new DescribeExecutionCommand({
          executionArn: `arn:aws:states:us-east-1:000000000000:execution:complaint:${ref}`,
        }),
      );
      expect(execution.status, `${ref}: ${execution.error ?? ''} ${execution.cause ?? ''}`).toBe('RUNNING');
      const open = tasks.filter((task) => task.status === 'open');
      expect(open, `${ref} waits on one stored task`).toHaveLength(1);
      await expect(
        sfn.send(new SendTaskHeartbeatCommand({ taskToken: String(open[0]?.taskToken) })),
        `${ref}: its task's token answers`,
      ).resolves.toBeDefined();
      expect(
        events.filter((e) => e.action === 'complaint-received'),
        ref,
      ).toHaveLength(1);
    }

    // Raw mail stored by SES whose intake never ran (an outage of the function beyond the DLQ's
    // 14 days, say): `npm run replay-mail` finds it in S3 by its missing mail-log line and hands
    // it to intake; what intake took in is left alone.
    const [lost] = planMail(1, `${TAG}r`).first;
    const lostId = randomBytes(20).toString('hex');
    const s3 = new S3Client({
      endpoint: second.urls.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await s3.send(
      new PutObjectCommand({ Bucket: 'complaints-raw-mail', Key: `incoming/${lostId}`, Body: lost?.raw }),
    );
    s3.destroy();
    const replayMail = (...args: string[]) =>
      spawnSync(process.execPath, [join(PROJECT_ROOT, 'local/cli/replay-mail.ts'), ...args], {
        env: { ...process.env, PORT: new URL(second.urls.web).port },
        encoding: 'utf8',
      });
    const notTakenIn = (output: string) =>
      Number(/; (\d+) had no mail-log line/.exec(output)?.[1] ?? Number.NaN);
    // Besides it: raw mail stored just before the kill, never answered 250 (the sender sent it
    // again, which intake took in): replayed, each is a duplicate of what was taken in.
    const replay = replayMail();
    expect(notTakenIn(replay.stdout), replay.stderr).toBeGreaterThanOrEqual(1);
    let left = Number.NaN;
    for (let i = 0; i < 60 && left !== 0; i++) {
      await sleep(500);
      left = notTakenIn(replayMail('--dry-run').stdout);
    }
    expect(left, 'raw mail left without a mail-log line').toBe(0);
    const after = await readTable(db, 'complaints');
    expect(after.mailLog.get(lostId)?.[0]?.outcome).toBe('complaint-opened');
    expect(after.complaints.size, 'the replay opened one complaint, the lost message').toBe(
      state.complaints.size + 1,
    );

    db.destroy();
    sfn.destroy();
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 300_000);
  it('carries on what a crash caught half-way: an execution before its first step, a task never stored', async () => {
    const forms = planForms(4, `${TAG}c`).filter((form) => form.acknowledgedByEmail);
    const first = await launch(crashDir);
    const { submitted } = await submitForms(first.urls.web, forms);
    const refs = submitted.map((s) => String(s.ref));
    const db = directDynamo(first.urls.dynamodb);
    const openTasks = async (ref: string) =>
      ((await readTable(db, 'complaints')).complaints.get(ref)?.tasks ?? []).filter(
        (t) => t.status === 'open',
      );
    for (const ref of refs) {
      for (let i = 0; i < 100 && (await openTasks(ref)).length === 0; i++) await sleep(100);
    }
    const [started, waiting] = refs as [string, string];
    const taskBefore = (await openTasks(waiting))[0];
    expect(taskBefore).toBeDefined();
    db.destroy();
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    // As a crash would have left them: one execution saved before its first step was, and one
    // waiting on a token whose task create-task never stored.
    const executionsDir = join(crashDir, 'stepfunctions', 'executions');
    const saved = (ref: string) => {
      const record = savedExecutions(executionsDir).get(ref);
      if (!record) throw new Error(`The execution of ${ref} was not saved`);
      return record as unknown as Record<string, unknown>;
    };
    const save = (record: Record<string, unknown>) =>
      saveExecution(executionsDir, record as unknown as ExecutionRecord);
    const early = saved(started);
    delete early.resume;
    delete early.pendingToken;
    early.history = [];
    save(early);
    const cut = saved(waiting);
    const pending = cut.pendingToken as { state: string; token: string };
    // Its handler not known to have finished (no `handled`), with a token no task was stored under.
    cut.pendingToken = {
      state: pending.state,
      token: `${randomBytes(24).toString('base64url')}.${pending.token.split('.')[1]}`,
    };
    save(cut);

    const second = await launch(crashDir);
    expect(second.output()).toContain('Step Functions: 1 execution(s) start again, 1 task(s) open again');
    const again = directDynamo(second.urls.dynamodb);
    const sfn = new SFNClient({
      endpoint: second.urls.sfn,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    let state = await readTable(again, 'complaints');
    for (let i = 0; i < 100; i++) {
      const ready = await Promise.all(
        refs.map(async (ref) => {
          const open = (state.complaints.get(ref)?.tasks ?? []).filter((t) => t.status === 'open');
          if (open.length !== 1) return false;
          return sfn
            .send(new SendTaskHeartbeatCommand({ taskToken: String(open[0]?.taskToken) }))
            .then(() => true)
            .catch(() => false);
        }),
      );
      if (ready.every(Boolean)) break;
      await sleep(200);
      state = await readTable(again, 'complaints');
    }
    for (const ref of refs) {
      const { tasks, events } = state.complaints.get(ref) ?? { tasks: [], events: [] };
      const execution = await sfn.send(
        new DescribeExecutionCommand({
          executionArn: `arn:aws:states:us-east-1:000000000000:execution:complaint:${ref}`,
        }),
      );
      expect(execution.status, ref).toBe('RUNNING');
      const open = tasks.filter((t) => t.status === 'open');
      expect(open, `${ref} waits on one task`).toHaveLength(1);
      await expect(
        sfn.send(new SendTaskHeartbeatCommand({ taskToken: String(open[0]?.taskToken) })),
      ).resolves.toBeDefined();
      // Running a step again did nothing twice: one receipt, one acknowledgement on the record.
      expect(
        events.filter((e) => e.action === 'complaint-received'),
        ref,
      ).toHaveLength(1);
      expect(
        events.filter((e) => e.action === 'owner-acknowledgement-sent'),
        ref,
      ).toHaveLength(1);
    }
    // The task whose token was lost was replaced: staff answer the new one.
    const replaced = state.complaints.get(waiting)?.tasks.find((t) => t.id === taskBefore?.id);
    expect(replaced?.status).toBe('cancelled');
    again.destroy();
    sfn.destroy();
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 120_000);
});
