import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaById } from '#config/areas.ts';
import { CATEGORIES, DEPARTMENTS } from '#config/catalogue.ts';
import { calendarFor } from '#domain/deadlines.ts';
import { formatEn, formatZh } from '#domain/emails.ts';
import { zhHant } from '../../web/src/messages/zh-Hant.ts';
import { type CsvWords, type ListItem, toCsv } from '../../web/src/staff/complaints-csv.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { outbox } from '../harness/staff-client.ts';

/**
 * One deadline per step, everywhere (issue 15): a complaint whose objection window,
 * satisfaction window and escalations all pass, run by the local stack at TIME_SCALE=86400 —
 * a day of workflow time a second, real timers, real handlers — while every place that shows
 * its deadline is read: the owner's email, the owner's page, the staff complaint page (API),
 * My tasks, the complaints list's flag and its overdue filter, the list's CSV export and the
 * periodic report. They must all give the due time the workflow enforces, and a step that
 * missed its deadline keeps the complaint overdue in all of them — up the whole ladder, while
 * each level's own deadline is still to come — until that step is done. The manager's
 * reminders are not escalations.
 *
 * The steps staff act on here at once (the supervisor's review and sign-off, the department's
 * commitment, filing) get twenty working days, so a busy machine never races the clock to them;
 * the windows and ladder levels that pass keep the procedure's own lengths.
 */
const SCALE = 86_400;
const ROOMY = 20 * 9 * 60;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const R = {
  reception: 'reception.kowloon-east',
  supervisor: 'supervisor.kowloon-east',
  department: 'engineering.kowloon-east',
  followup: 'followup.kowloon-east',
  customerService: 'customer-service.hk-island',
  manager: 'manager.kowloon-east',
};
const OWNER_EMAIL = 'lee.siuming@example.com';

let t: TestStack;
let settingsBefore: string | undefined;

beforeAll(async () => {
  settingsBefore = process.env.WORKFLOW_SETTINGS;
  process.env.WORKFLOW_SETTINGS = JSON.stringify({
    businessMinutes: {
      supervisorReview: ROOMY,
      departmentCommitment: ROOMY,
      supervisorSignOff: ROOMY,
      filing: ROOMY,
      // Four working days (about five seconds here) for the objection window, not two: the
      // views are read while it is open, and a loaded machine takes seconds to read them all.
      // It still ends before the committed completion (nine days on).
      ownerPlanResponse: 4 * 9 * 60,
    },
  });
  t = await startTestStack({ timeScale: SCALE });
});
afterAll(async () => {
  await t?.stopRunningExecutions();
  await t?.stop();
  if (settingsBefore === undefined) delete process.env.WORKFLOW_SETTINGS;
  else process.env.WORKFLOW_SETTINGS = settingsBefore;
});

// ---- The staff API, with each person's token kept (tokens keep real time, whatever the scale) --

const tokens = new Map<string, string>();
async function call<T>(username: string, method: string, path: string, body?: unknown) {
  let token = tokens.get(username);
  if (!token) {
    const answer = await fetch(`${t.stack.urls.web}/api/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username }),
    });
    token = ((await answer.json()) as { token: string }).token;
    tokens.set(username, token);
  }
  const response = await fetch(`${t.stack.urls.web}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}
const get = <T>(username: string, path: string) => call<T>(username, 'GET', path);

interface TaskView {
  id: string;
  ref: string;
  step: string;
  role: string;
  dueAt: string;
  overdue: boolean;
  overdueSince?: string;
  overdueFrom?: string;
  businessMinutesLate?: number;
}
interface ComplaintView {
  tasks: TaskView[];
  escalationCount: number;
  satisfaction?: { rating: string };
  timeline: { action: string; details?: Record<string, unknown> }[];
}
interface ReportOpenPastDeadline {
  ref: string;
  step: string;
  dueAt: string;
  overdueSince?: string;
  overdueMinutes: number;
}
interface ReportView {
  id: string;
  summary: { openPastDeadline: number; escalated: number };
  data: {
    openPastDeadline: ReportOpenPastDeadline[];
    scopes: Record<string, { escalations: Record<string, { raised: number }> }>;
  };
}

const arnOf = (ref: string) => `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

async function complaintOf(username: string, ref: string) {
  const answer = await get<ComplaintView>(username, `/api/complaints/${ref}`);
  expect(answer.status).toBe(200);
  return answer.body;
}

/** The caller's open task for the complaint from My tasks (GET /api/tasks). */
async function myTask(username: string, ref: string) {
  const answer = await get<{ items: TaskView[] }>(username, '/api/tasks');
  expect(answer.status).toBe(200);
  return answer.body.items.find((task) => task.ref === ref);
}

/** Completes the caller's task for the complaint; resolves when the workflow waits on the next. */
async function act(username: string, ref: string, decision: unknown) {
  for (let attempt = 0; ; attempt++) {
    const task = await myTask(username, ref);
    if (!task) throw new Error(`${username} has no task for ${ref}`);
    const next = t.nextTask(arnOf(ref));
    const answer = await call(
      username,
      'POST',
      `/api/tasks/${encodeURIComponent(task.id)}/complete`,
      decision,
    );
    // A ladder level may time out (and reopen as a reminder) between reading and answering.
    if (answer.status === 409 && attempt < 3) continue;
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return next;
  }
}

// ---- The CSV export, as the web app writes it from the list (web/src/staff/complaints-csv.ts) --

const zhTime = new Intl.DateTimeFormat('zh-Hant-HK', {
  timeZone: 'Asia/Hong_Kong',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
/** The app's words in 繁體中文 (web/src/i18n.ts reads the same catalogue and config names). */
const WORDS: CsvWords = {
  t: (key) => zhHant[key],
  tOr: (key, fallback) => (key in zhHant ? zhHant[key as keyof typeof zhHant] : fallback),
  areaName: (id) => areaById(id)?.name.zhHant ?? id,
  categoryName: (id) => CATEGORIES.find((c) => c.id === id)?.zhHant ?? id,
  departmentName: (id) => DEPARTMENTS.find((d) => d.id === id)?.zhHant ?? id,
  stepName: (id) => (`step.${id}` in zhHant ? zhHant[`step.${id}` as keyof typeof zhHant] : id),
  formatDateTime: (iso) => zhTime.format(new Date(iso)),
};

/** The complaint's row of the CSV the supervisor exports, by column name. */
function csvRowOf(items: ListItem[], ref: string): Record<string, string> {
  const [header = '', ...lines] = toCsv(items, WORDS, { withContacts: true }).slice(1).trim().split('\r\n');
  // No cell here holds a comma or a quote: a split is a parse.
  const names = header.split(',');
  const line = lines.find((l) => l.startsWith(`${ref},`));
  if (!line) throw new Error(`${ref} is not in the CSV`);
  const cells = line.split(',');
  return Object.fromEntries(names.map((name, i) => [name, cells[i] ?? '']));
}

// ---- Everything that shows the deadline, read together ------------------------------------

interface Reading {
  /** The open task, as the complaint page shows it. */
  readonly task: TaskView;
  readonly mine: TaskView | undefined;
  readonly listed: ListItem | undefined;
  readonly inOverdueFilter: boolean;
  readonly inNotOverdueFilter: boolean;
  readonly csv: Record<string, string>;
  readonly report?: {
    summary: ReportView['summary'];
    line: ReportOpenPastDeadline | undefined;
    view: ReportView;
  };
}

/** Who of this test holds a task of each role (head office sees every area). */
const HOLDER: Record<string, string> = {
  supervisor: R.supervisor,
  department: R.department,
  followup: R.followup,
  'customer-service': R.customerService,
  manager: R.manager,
};

/**
 * Reads every view of the complaint's deadline while its open task stays the same one (the
 * scaled clock climbs a ladder level a working day a second: a reading that straddled a
 * timeout is read again), My tasks as the person whose task it is.
 */
async function readAll(ref: string, withReport: boolean): Promise<Reading> {
  for (let attempt = 0; attempt < 8; attempt++) {
    // Between a timeout and the next level's task the complaint has none open for a moment.
    const opened = t.nextTask(arnOf(ref));
    opened.catch(() => undefined);
    const before = (await complaintOf(R.manager, ref)).tasks[0];
    if (!before) {
      await opened;
      continue;
    }
    const username = HOLDER[before.role] ?? R.manager;
    const [mine, all, overdueOnly, notOverdue, report] = await Promise.all([
      myTask(username, ref),
      get<{ items: ListItem[] }>(R.supervisor, '/api/complaints?limit=100'),
      get<{ items: ListItem[] }>(R.supervisor, '/api/complaints?overdue=true&limit=100'),
      get<{ items: ListItem[] }>(R.supervisor, '/api/complaints?overdue=false&limit=100'),
      withReport ? makeReport() : Promise.resolve(undefined),
    ]);
    const after = (await complaintOf(R.manager, ref)).tasks[0];
    if (after?.id !== before.id || after.overdue !== before.overdue) continue;
    return {
      task: after,
      mine,
      listed: all.body.items.find((item) => item.ref === ref),
      inOverdueFilter: overdueOnly.body.items.some((item) => item.ref === ref),
      inNotOverdueFilter: notOverdue.body.items.some((item) => item.ref === ref),
      csv: csvRowOf(all.body.items, ref),
      ...(report
        ? {
            report: {
              summary: report.summary,
              line: report.data.openPastDeadline.find((line) => line.ref === ref),
              view: report,
            },
          }
        : {}),
    };
  }
  throw new Error(`${ref}'s open task kept changing while it was read`);
}

/** The company month (Hong Kong) the complaint came in: its report has its escalations. */
let reportMonth = '';

/** Customer service makes the month's report now (its open past deadline are any month's). */
async function makeReport(): Promise<ReportView> {
  const month = reportMonth;
  const made = await call<{ id: string }>(R.customerService, 'POST', '/api/reports', { month });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const report = await get<ReportView>(R.customerService, `/api/reports/${encodeURIComponent(made.body.id)}`);
  expect(report.status).toBe(200);
  return report.body;
}

/** Every view gives the open task's due time, and says overdue (since `overdueSince`) or not, alike. */
function expectOneDeadline(
  reading: Reading,
  expected: { overdue: false } | { overdue: true; since: string },
) {
  const { task, mine, listed, csv } = reading;
  expect(mine?.id, 'My tasks shows the open task').toBe(task.id);
  expect(mine?.dueAt).toBe(task.dueAt);
  expect(listed?.dueAt, 'the list gives the step’s due time').toBe(task.dueAt);
  expect(csv.本步驟期限, 'the CSV gives the step’s due time').toBe(WORDS.formatDateTime(task.dueAt));

  expect(task.overdue, 'the complaint page').toBe(expected.overdue);
  expect(mine?.overdue, 'My tasks').toBe(expected.overdue);
  expect(listed?.overdue, 'the list’s flag').toBe(expected.overdue);
  expect(reading.inOverdueFilter, 'the list’s overdue filter').toBe(expected.overdue);
  expect(reading.inNotOverdueFilter, 'the list’s not-overdue filter').toBe(!expected.overdue);
  expect(csv.逾期, 'the CSV').toBe(expected.overdue ? '是' : '否');
  if (reading.report) {
    expect(reading.report.line !== undefined, 'the report’s open past deadline').toBe(expected.overdue);
  }
  if (!expected.overdue) return;
  expect(mine?.overdueFrom, 'My tasks: late since the missed deadline').toBe(expected.since);
  expect(mine?.businessMinutesLate).toBeGreaterThan(0);
  expect(listed?.overdueSince).toBe(expected.since);
  expect(csv.逾期起計).toBe(WORDS.formatDateTime(expected.since));
  if (reading.report?.line) {
    expect(reading.report.line.dueAt).toBe(task.dueAt);
    expect(reading.report.line.overdueSince).toBe(expected.since);
    expect(reading.report.line.overdueMinutes).toBeGreaterThan(0);
  }
}

/** The owner's email (both languages) and the owner's page give the task's due time. */
async function expectOwnerToldTheDeadline(ref: string, subjectWords: string, task: TaskView) {
  const emails = (await outbox(t)).filter(
    (mail) =>
      mail.subject.includes(`[${ref}]`) &&
      mail.subject.includes(subjectWords) &&
      mail.destination.to.includes(OWNER_EMAIL),
  );
  expect(emails).toHaveLength(1);
  const text = String(emails[0]?.body.text);
  expect(text).toContain(formatZh(task.dueAt));
  expect(text).toContain(formatEn(task.dueAt));
  const linkId = /\/owner\/([A-Za-z0-9_-]+)/.exec(text)?.[1];
  const page = await fetch(`${t.stack.urls.web}/api/owner/${linkId}`);
  expect(page.status).toBe(200);
  expect(((await page.json()) as { answerBy: string }).answerBy).toBe(task.dueAt);
}

/** The states the complaint's workflow has entered so far, in order. */
function statesEntered(ref: string): string[] {
  return t.stack.stepFunctions
    .getExecutionHistory({ executionArn: arnOf(ref), maxResults: 1000 })
    .events.filter((e) => String(e.type).endsWith('StateEntered'))
    .map((e) =>
      String((e as { stateEnteredEventDetails?: { name?: string } }).stateEnteredEventDetails?.name),
    );
}

/** Resolves once the workflow has entered `state` (`times` times in all), as deadlines pass. */
async function entered(ref: string, state: string, times = 1): Promise<void> {
  for (;;) {
    // Listening before looking: a state entered in between is not missed.
    const next = t.nextTask(arnOf(ref));
    next.catch(() => undefined);
    if (statesEntered(ref).filter((name) => name === state).length >= times) return;
    await next;
  }
}

/** A time on the whole minute, `ms` from now (as staff type one). */
const minuteFromNow = (ms: number) => new Date(Math.ceil((Date.now() + ms) / 60_000) * 60_000).toISOString();

/**
 * 17:00 Hong Kong time on the first weekday at least `ms` from now: a committed completion in
 * office hours, so the work is late by business time as soon as the office has worked past it.
 */
function weekdayFivePm(ms: number): string {
  // A working day of the area's calendar, not only a weekday: a deadline at 17:00 on a public
  // holiday is missed with no business time passing until the next working morning, and the
  // scaled clock (a day a second) reaches holidays in any month.
  const calendar = calendarFor('kowloon-east');
  const day = new Date(Date.now() + ms + 8 * HOUR);
  while (!calendar.isWorkingDay(day.toISOString().slice(0, 10))) day.setUTCDate(day.getUTCDate() + 1);
  return `${day.toISOString().slice(0, 10)}T09:00:00.000Z`;
}

describe('one deadline per step at TIME_SCALE=86400', () => {
  it('gives every view the deadline the workflow enforces, and keeps a late step overdue up the ladder until it is done', async () => {
    // Logged; the supervisor signs and the department commits: the plan goes to the owner.
    const firstTask = t.recordTasks();
    const created = await call<{ ref: string }>(R.reception, 'POST', '/api/complaints', {
      channel: 'phone',
      area: 'kowloon-east',
      building: '麗港城第五座',
      unit: '18樓A室',
      owner: { name: '李小明', phone: '+852 9876 5432', email: OWNER_EMAIL },
      content: '廚房水喉漏水，已滲到樓下單位。',
      category: 'water-leak',
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    });
    expect(created.status).toBe(201);
    const ref = created.body.ref;
    reportMonth = new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 7);
    expect((await firstTask(ref)).stateName).toBe('Supervisor review');
    await act(R.supervisor, ref, {
      action: 'sign',
      opinion: '安排工程部更換水喉',
      category: 'water-leak',
      department: 'engineering',
    });
    // Far enough (16 s at this scale) that a loaded machine reads the work before it runs late.
    const plannedCompletion = weekdayFivePm(16 * DAY);
    expect(
      (await act(R.department, ref, { plannedStart: minuteFromNow(HOUR), plannedCompletion }))?.stateName,
    ).toBe('Owner response to plan');

    // 1. The objection window: the email, the owner's page and every staff view agree.
    const atPlan = await readAll(ref, false);
    expect(atPlan.task.step).toBe('ownerPlanResponse');
    await expectOwnerToldTheDeadline(ref, '處理方案', atPlan.task);
    expectOneDeadline(atPlan, { overdue: false });

    // The window passes without an objection: the work starts, due at the committed completion.
    await entered(ref, 'Work in progress');
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(atPlan.task.dueAt));
    const atWork = await readAll(ref, false);
    expect(atWork.task.dueAt).toBe(plannedCompletion);
    expectOneDeadline(atWork, { overdue: false });

    // 2. The department misses it: up the ladder, each level with a later deadline of its own,
    //    the complaint overdue since the work's deadline in every view. (Each level is read once
    //    it is entered; on a machine slow enough for the ladder to have climbed on meanwhile,
    //    the level it has reached is read.)
    const missed = atWork.task.dueAt;
    const ladder = [
      ['Escalate to supervisor', 'escalationSupervisor'],
      ['Escalate to customer service', 'escalationCustomerService'],
      ['Escalate to manager', 'escalationManager'],
    ] as const;
    const levels: string[] = ladder.map(([, step]) => step);
    for (const [state, step] of ladder) {
      await entered(ref, state);
      const onLevel = await readAll(ref, false);
      expect(levels.indexOf(onLevel.task.step)).toBeGreaterThanOrEqual(levels.indexOf(step));
      expectOneDeadline(onLevel, { overdue: true, since: missed });
      expect(Date.parse(onLevel.task.dueAt)).toBeGreaterThan(Date.parse(missed));
    }

    // The manager does not act in time: reminded, still overdue since the work's deadline, in
    // the report too (the manager's level stays, reminder after reminder).
    await entered(ref, 'Escalate to manager', 2);
    const reminded = await readAll(ref, true);
    expect(reminded.task.step).toBe('escalationManager');
    expectOneDeadline(reminded, { overdue: true, since: missed });
    // Reminders are not escalations: three levels raised it (the work, the supervisor's level,
    // customer service's level ran out); the manager's level was raised once, reminded since.
    const atReminder = await complaintOf(R.manager, ref);
    expect(atReminder.escalationCount).toBe(3);
    expect(atReminder.timeline.filter((e) => e.action === 'manager-reminded').length).toBeGreaterThanOrEqual(
      1,
    );
    expect(atReminder.timeline.filter((e) => e.action === 'step-overdue')).toHaveLength(3);
    expect(reminded.report?.view.data.scopes.company?.escalations.manager?.raised).toBe(1);
    // Each escalation line says to whom it went (the level, in the complaint's area).
    for (const line of atReminder.timeline.filter((e) =>
      ['step-overdue', 'manager-reminded'].includes(e.action),
    )) {
      expect(line.details).toMatchObject({ area: 'kowloon-east' });
      expect(['supervisor', 'customer-service', 'manager']).toContain(line.details?.level);
    }

    // 3. The manager resolves it with a new completion: the late step is back, not overdue.
    const newCompletion = minuteFromNow(20 * DAY);
    expect(
      (
        await act(R.manager, ref, {
          action: 'resolve',
          note: '已督促工程部',
          plannedCompletion: newCompletion,
        })
      )?.stateName,
    ).toBe('Work in progress');
    const resolved = await readAll(ref, true);
    expect(resolved.task.dueAt).toBe(newCompletion);
    expectOneDeadline(resolved, { overdue: false });

    // 4. Done: the satisfaction request's deadline, told and shown alike; it passes unanswered.
    expect((await act(R.department, ref, { action: 'done', note: '已更換水喉' }))?.stateName).toBe(
      'Satisfaction call-back',
    );
    const atSatisfaction = await readAll(ref, false);
    expect(atSatisfaction.task.step).toBe('satisfactionCallback');
    await expectOwnerToldTheDeadline(ref, '請評價', atSatisfaction.task);
    expectOneDeadline(atSatisfaction, { overdue: false });
    await entered(ref, 'Supervisor sign-off');
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(atSatisfaction.task.dueAt));
    expect((await complaintOf(R.supervisor, ref)).satisfaction?.rating).toBe('no-answer');
    expectOneDeadline(await readAll(ref, false), { overdue: false });

    await t.sfn.send(new StopExecutionCommand({ executionArn: arnOf(ref) }));
  });
});
