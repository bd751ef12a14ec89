import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AREAS, type AreaSpec } from '#config/areas.ts';
import type { Channel } from '#config/catalogue.ts';
import { DEFAULT_WORKFLOW_SETTINGS, type LadderLevel, STEPS, type StepId } from '#config/workflow.ts';
import { formatRef, refSequenceScope } from '#domain/complaint.ts';
import { calendarFor } from '#domain/deadlines.ts';
import {
  areaMonthPk,
  complaintPk,
  openTasksPk,
  openTasksSk,
  ownerContactKey,
  RECORD_SK,
  taskSk,
} from '#domain/keys.ts';
import {
  type DeadlineFact,
  deadlineFact,
  type EscalationFact,
  escalationFact,
} from '#domain/record-facts.ts';
import { DEFAULT_DEPARTMENT } from '#domain/report/rectification.ts';
import { searchItemKeys } from '#domain/search.ts';

/**
 * Realistic complaint volumes for demos, tests and the benchmark, written straight into the
 * table as the handlers would have left them (records with their summary facts, open tasks
 * for complaints still in progress): areas and their buildings, categories with seasons
 * (leaks in the rainy months, pests in summer), a few chronic problems (a leaking pipe stack,
 * a lift that keeps failing, one unit that complains about noise every week), and owners who
 * complain again. Deterministic: the same options give the same complaints.
 */
export interface SeedOptions {
  readonly complaints: number;
  /** Months of complaints, ending with `end`. @default 6 */
  readonly months?: number;
  /** Last month (`YYYY-MM`, company time). @default the current month */
  readonly end?: string;
  /** Complaints are not received after this instant. @default now */
  readonly now?: Date;
  /** PRNG seed. @default 20261126 */
  readonly seed?: number;
}

export interface SeedResult {
  readonly complaints: number;
  readonly items: number;
  readonly openTasks: number;
  readonly first: string;
  readonly last: string;
  readonly ms: number;
}

const OFFSET_MS = 8 * 3600_000;

/** Estates of each area and their blocks (for areas config/areas.ts does not list, generic blocks). */
export const ESTATES: Record<string, readonly (readonly [string, readonly string[]])[]> = {
  'kowloon-east': [
    ['海濱花園', ['第一座', '第二座', '第三座', '第四座', '第五座', '第六座', '第七座', '第八座']],
    ['麗港城', Array.from({ length: 20 }, (_, i) => `第${i + 1}座`)],
    ['德福花園', 'ABCDEFGHIJKLMNOP'.split('').map((b) => `${b}座`)],
    ['淘大花園', 'ABCDEFGHJKLMNPQRS'.split('').map((b) => `${b}座`)],
  ],
  'hk-island': [
    [
      '太古城',
      ['金星閣', '海天閣', '明宮閣', '銀星閣', '翠榕閣', '紫樺閣', '恒山閣', '華山閣', '天山閣', '高山閣'],
    ],
    ['海怡半島', Array.from({ length: 18 }, (_, i) => `第${i + 1}座`)],
    ['杏花邨', Array.from({ length: 48 }, (_, i) => `第${i + 1}座`)],
    ['康怡花園', 'ABCDEFGHJKLMNOPQ'.split('').map((b) => `${b}座`)],
  ],
};

const BUILDINGS: Record<string, readonly string[]> = Object.fromEntries(
  Object.entries(ESTATES).map(([area, estates]) => [
    area,
    estates.flatMap(([estate, blocks]) => blocks.map((block) => `${estate}${block}`)),
  ]),
);

interface CategorySpec {
  readonly id: string;
  readonly weight: number;
  /** Multiplier per month (1-12), for seasons. */
  readonly season?: (month: number) => number;
  readonly texts: readonly string[];
}

const rainy = (month: number) => (month >= 5 && month <= 9 ? 2.2 : 0.8);
const summer = (month: number) => (month >= 6 && month <= 9 ? 2.5 : 0.6);
const spring = (month: number) => (month >= 3 && month <= 5 ? 1.6 : 0.9);

const CATEGORIES_SPEC: readonly CategorySpec[] = [
  {
    id: 'repairs',
    weight: 22,
    texts: ['大堂升降機故障，停了兩天。', '走廊燈壞了很久沒有人修理。', '大門門鎖損壞。'],
  },
  {
    id: 'water-leak',
    weight: 12,
    season: rainy,
    texts: ['浴室天花板滲水。', '外牆滲水，睡房牆身發霉。', '樓上單位漏水到廚房。'],
  },
  {
    id: 'cleanliness',
    weight: 12,
    texts: ['垃圾房臭味嚴重。', '樓梯很久沒有清潔。', '平台有狗糞沒有清理。'],
  },
  { id: 'security', weight: 7, texts: ['夜間有陌生人進入大廈。', '保安員沒有登記訪客。'] },
  { id: 'noise', weight: 9, texts: ['樓上單位深夜噪音。', '裝修噪音超出許可時間。'] },
  { id: 'parking', weight: 7, texts: ['車位被他人佔用。', '停車場照明不足。'] },
  { id: 'facilities', weight: 9, texts: ['會所泳池關閉未有通知。', '健身室器材損壞。'] },
  { id: 'landscaping', weight: 4, season: spring, texts: ['樹木過高遮擋窗戶。', '花槽無人打理。'] },
  { id: 'pests', weight: 5, season: summer, texts: ['垃圾房有老鼠出沒。', '走廊有大量蚊蟲。'] },
  { id: 'fees', weight: 5, texts: ['管理費單據金額有誤。', '查詢管理費加幅原因。'] },
  { id: 'staff-conduct', weight: 4, texts: ['管理處職員態度欠佳。', '保安員說話無禮。'] },
  { id: 'other', weight: 4, texts: ['建議增設單車停泊位。', '查詢大廈維修工程安排。'] },
];

const CHANNEL_WEIGHTS: readonly [Channel, number][] = [
  ['phone', 38],
  ['email', 25],
  ['walk-in', 17],
  ['fax', 12],
  ['letter', 8],
];

const SURNAMES = '陳李張黃何林吳劉梁鄭謝郭羅麥葉馮曾蔡彭蕭潘袁蘇盧';
const GIVEN = [
  '大文',
  '美玲',
  '志強',
  '嘉欣',
  '家明',
  '淑儀',
  '國輝',
  '慧敏',
  '偉傑',
  '秀英',
  '子健',
  '詠詩',
  '俊賢',
  '小明',
];

/** Chronic problems: extra complaints at a place, as a share of all complaints. */
interface Chronic {
  readonly area: string;
  readonly building: string;
  readonly units: readonly string[];
  readonly category: string;
  readonly share: number;
  readonly season?: (month: number) => number;
}

const CHRONIC: readonly Chronic[] = [
  {
    area: 'kowloon-east',
    building: '海濱花園第三座',
    units: ['10樓B室', '11樓B室', '12樓B室', '13樓B室', '14樓B室'],
    category: 'water-leak',
    share: 0.012,
    season: rainy,
  },
  { area: 'hk-island', building: '杏花邨第8座', units: [], category: 'repairs', share: 0.01 },
  {
    area: 'hk-island',
    building: '海怡半島第2座',
    units: [],
    category: 'pests',
    share: 0.006,
    season: summer,
  },
];

/** The unit that complains about its neighbour's noise every week, always the same owner. */
export const NOISY = {
  area: 'kowloon-east',
  building: '德福花園C座',
  unit: '12樓B室',
  name: '周志明',
  email: 'chow.cm@example.com',
};

/** A small, fast, deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Owner {
  readonly name: string;
  readonly email?: string;
  readonly phone?: string;
  readonly area: string;
  readonly building: string;
  readonly unit: string;
}

interface Plan {
  readonly receivedAt: number;
  readonly area: AreaSpec;
  readonly building: string;
  readonly unit: string;
  readonly category: string;
  readonly channel: Channel;
  readonly owner: Owner;
  /** Seeds the complaint's own PRNG, so materialising it never shifts the plans after it. */
  readonly seed: number;
}

/**
 * The complaints, in order of receipt, as plans (what each one is); `materialise` turns a plan
 * into its items once its reference number is known.
 */
function* plans(options: SeedOptions): Generator<Plan> {
  const r = prng(options.seed ?? 20261126);
  const now = (options.now ?? new Date()).getTime();
  const months = Math.max(1, options.months ?? 6);
  const endKey = options.end ?? new Date(now + OFFSET_MS).toISOString().slice(0, 7);
  const [endYear, endMonth] = endKey.split('-').map(Number) as [number, number];
  // Month windows [start, end) in company time, oldest first; weights for the seasons.
  const windows: { start: number; end: number; month: number; weight: number }[] = [];
  for (let i = months - 1; i >= 0; i--) {
    const start = Date.UTC(endYear, endMonth - 1 - i, 1) - OFFSET_MS;
    const end = Math.min(Date.UTC(endYear, endMonth - i, 1) - OFFSET_MS, now);
    if (end <= start) continue;
    const month = new Date(start + OFFSET_MS).getUTCMonth() + 1;
    const season = month >= 5 && month <= 9 ? 1.15 : 1;
    windows.push({ start, end, month, weight: ((end - start) / (30 * 86_400_000)) * season });
  }
  const totalWeight = windows.reduce((sum, w) => sum + w.weight, 0);
  const areas = AREAS.map((area, i) => ({
    area,
    weight: i === 0 ? 0.55 : 0.45 / Math.max(1, AREAS.length - 1),
  }));
  // Regular complainants: a pool per area about a quarter the size of a month's complaints,
  // who bring a sixth of all complaints (so a few percent of owners complain twice a month).
  const pools = new Map<string, Owner[]>(AREAS.map((area) => [area.id, []]));
  const poolSize = Math.max(10, Math.round(options.complaints / months / 4 / AREAS.length));
  let emitted = 0;
  for (const [wi, window] of windows.entries()) {
    const count =
      wi === windows.length - 1
        ? options.complaints - emitted
        : Math.round((options.complaints * window.weight) / totalWeight);
    // Times of receipt within the month, sorted, mostly in office hours.
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(officeTime(r, window.start, window.end));
    times.sort((a, b) => a - b);
    const categoryWeights = CATEGORIES_SPEC.map((c) => c.weight * (c.season?.(window.month) ?? 1));
    const chronicDays = Math.max(1, Math.round((window.end - window.start) / (7 * 86_400_000)));
    let noisyLeft = Math.min(chronicDays, count);
    for (const receivedAt of times) {
      const roll = r();
      let chronic: Chronic | undefined;
      let acc = 0;
      for (const c of CHRONIC) {
        acc += c.share * (c.season?.(window.month) ?? 1);
        if (roll < acc) {
          chronic = c;
          break;
        }
      }
      let owner: Owner;
      let category: string;
      let area: AreaSpec;
      if (noisyLeft > 0 && r() < (chronicDays * 1.0) / count) {
        noisyLeft -= 1;
        area = AREAS.find((a) => a.id === NOISY.area) ?? (AREAS[0] as AreaSpec);
        owner = { ...NOISY };
        category = 'noise';
      } else if (chronic && AREAS.some((a) => a.id === chronic.area)) {
        area = AREAS.find((a) => a.id === chronic.area) as AreaSpec;
        const unit = chronic.units.length ? pick(r, chronic.units) : randomUnit(r);
        owner = newOwner(r, area.id, chronic.building, unit);
        category = chronic.category;
      } else {
        area = weighted(
          r,
          areas.map((a) => [a.area, a.weight] as const),
        );
        category = weighted(
          r,
          CATEGORIES_SPEC.map((c, i) => [c.id, categoryWeights[i] ?? 1] as const),
        );
        const regulars = pools.get(area.id) ?? [];
        if (regulars.length >= 10 && r() < 0.16) owner = pick(r, regulars);
        else {
          owner = newOwner(r, area.id, pick(r, buildingsOf(area.id)), randomUnit(r));
          if (regulars.length < poolSize) regulars.push(owner);
          else if (r() < 0.05) regulars[Math.floor(r() * regulars.length)] = owner;
        }
      }
      const channel = owner.email && r() < 0.2 ? 'email' : weighted(r, CHANNEL_WEIGHTS);
      const seed = Math.floor(r() * 4294967296);
      yield { receivedAt, area, building: owner.building, unit: owner.unit, category, channel, owner, seed };
      emitted += 1;
    }
  }
}

function buildingsOf(area: string): readonly string[] {
  return BUILDINGS[area] ?? ['第一座', '第二座', '第三座'];
}

function newOwner(r: () => number, area: string, building: string, unit: string): Owner {
  const name = `${SURNAMES[Math.floor(r() * SURNAMES.length)]}${pick(r, GIVEN)}`;
  const id = Math.floor(r() * 1e9).toString(36);
  return r() < 0.7
    ? { name, email: `owner.${id}@example.com`, area, building, unit }
    : { name, phone: `+852 9${String(Math.floor(r() * 1e7)).padStart(7, '0')}`, area, building, unit };
}

function randomUnit(r: () => number): string {
  return `${1 + Math.floor(r() * 40)}樓${'ABCDEFGH'[Math.floor(r() * 8)]}室`;
}

/** An instant in [start, end): weekdays in office hours mostly, some evenings and weekends. */
function officeTime(r: () => number, start: number, end: number): number {
  for (let attempt = 0; attempt < 6; attempt++) {
    const t = start + r() * (end - start);
    const local = new Date(t + OFFSET_MS);
    const hour = local.getUTCHours();
    const weekday = local.getUTCDay();
    const office = weekday >= 1 && weekday <= 5 && hour >= 9 && hour < 18;
    if (office || r() < 0.25) return Math.floor(t);
  }
  return Math.floor(start + r() * (end - start));
}

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)] as T;
}

function weighted<T>(r: () => number, entries: readonly (readonly [T, number])[]): T {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let roll = r() * total;
  for (const [value, weight] of entries) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return (entries.at(-1) as readonly [T, number])[0];
}

const iso = (ms: number) => new Date(ms).toISOString();

const LADDER_STEP: Record<LadderLevel, StepId> = {
  supervisor: 'escalationSupervisor',
  'customer-service': 'escalationCustomerService',
  manager: 'escalationManager',
};

/** The items of one complaint: its record (with summary facts) and, while open, its task. */
function materialise(plan: Plan, ref: string, now: number): Record<string, unknown>[] {
  const { area } = plan;
  const r = prng(plan.seed);
  const calendar = calendarFor(area.id);
  const minutes = DEFAULT_WORKFLOW_SETTINGS.businessMinutes;
  const after = (from: number, businessMinutes: number) =>
    calendar.addBusinessMinutes(new Date(from), Math.max(1, Math.round(businessMinutes))).getTime();
  const receivedAt = plan.receivedAt;
  const at = iso(receivedAt);
  const staff = (role: string) => `${role}.${area.id}`;
  const deadlines: DeadlineFact[] = [];
  const escalations: EscalationFact[] = [];
  const record: Record<string, unknown> = {
    ref,
    receivedAt: at,
    channel: plan.channel,
    area: area.id,
    building: plan.building,
    unit: plan.unit,
    owner: {
      name: plan.owner.name,
      ...(plan.owner.email ? { email: plan.owner.email } : {}),
      ...(plan.owner.phone ? { phone: plan.owner.phone } : {}),
      language: 'zh-Hant',
    },
    content: pick(r, CATEGORIES_SPEC.find((c) => c.id === plan.category)?.texts ?? ['投訴。']),
    receivedBy: {
      by: plan.channel === 'email' || plan.channel === 'fax' ? 'system' : staff('reception'),
      role: 'reception',
      at,
    },
    checklist: { keyPointsNoted: true, requestClarified: true },
    objectionCount: 0,
    reopenCount: 0,
    escalationCount: 0,
  };
  const inPerson = plan.channel === 'phone' || plan.channel === 'walk-in';
  const acknowledge = inPerson && r() < 0.6 ? 'none' : plan.owner.email ? 'email' : 'call';
  const needsClarification = r() < 0.06;
  record.flags = { needsClarification, acknowledge };
  const open = (
    step: StepId,
    role: string,
    dueAt: number,
    createdAt: number,
    late?: Record<string, unknown>,
  ) => {
    record.status = 'open';
    const level = STEPS[step].lateGoesTo;
    if (dueAt < now && level && !late) {
      // Past its deadline: the workflow has taken it up the ladder by now.
      const ladderStep = LADDER_STEP[level];
      deadlines.push(deadlineFact(step, false));
      escalations.push(escalationFact(level, 'raised'));
      record.escalationCount = Number(record.escalationCount) + 1;
      record.currentStep = ladderStep;
      return finish({
        step: ladderStep,
        role: level,
        dueAt: after(dueAt, minutes[ladderStep]),
        createdAt: dueAt,
        late: { step, level, overdue: step },
      });
    }
    record.currentStep = step;
    return finish({ step, role, dueAt, createdAt, ...(late ? { late } : {}) });
  };
  const finish = (task?: {
    step: StepId;
    role: string;
    dueAt: number;
    createdAt: number;
    late?: Record<string, unknown>;
  }) => {
    if (deadlines.length) record.deadlines = deadlines;
    if (escalations.length) record.escalations = escalations;
    const contact = ownerContactKey(plan.owner);
    const items: Record<string, unknown>[] = [
      {
        PK: complaintPk(ref),
        SK: RECORD_SK,
        type: 'complaint',
        ...record,
        GSI2PK: areaMonthPk(area.id, at),
        GSI2SK: at,
        ...(contact ? { GSI3PK: contact, GSI3SK: at } : {}),
      },
    ];
    if (task) {
      const id = `${ref}.seed${task.step.slice(0, 4)}`;
      items.push({
        PK: complaintPk(ref),
        SK: taskSk(id),
        type: 'task',
        id,
        ref,
        area: area.id,
        step: task.step,
        role: task.role,
        createdAt: iso(task.createdAt),
        dueAt: iso(task.dueAt),
        status: 'open',
        taskToken: `seed-${id}`,
        ...(task.late ? { late: task.late } : {}),
        GSI1PK: openTasksPk(task.role, area.id),
        GSI1SK: openTasksSk(iso(task.dueAt), id),
      });
    }
    // Found by the complaint search, as a complaint opened through the API is (domain/search.ts).
    for (const key of searchItemKeys(record as unknown as Parameters<typeof searchItemKeys>[0])) {
      items.push({ ...key, type: 'search-term', ref });
    }
    return items;
  };

  // 1-2. Clarify and acknowledge.
  let t = receivedAt;
  if (needsClarification) t = after(t, minutes.clarify * (0.2 + r() * 0.7));
  if (acknowledge === 'email') record.acknowledgedAt = iso(t + 60_000);
  else if (acknowledge === 'call') {
    const taken = minutes.acknowledgeCall * (r() < 0.9 ? 0.1 + r() * 0.8 : 1.1 + r());
    const done = after(t, taken);
    if (done > now) return open('acknowledgeCall', 'reception', after(t, minutes.acknowledgeCall), t);
    deadlines.push(deadlineFact('acknowledgeCall', taken <= minutes.acknowledgeCall));
    record.acknowledgedAt = iso(done);
    t = done;
  }

  // 3. Supervisor review: signed (or, rarely, rejected), on time nine times in ten.
  const reviewLate = r() < 0.05;
  const reviewTaken = reviewLate
    ? minutes.supervisorReview * (1.1 + r())
    : minutes.supervisorReview * (0.05 + r() * 0.9);
  const reviewDue = after(t, minutes.supervisorReview);
  const reviewed = after(t, reviewTaken);
  if (reviewed > now) return open('supervisorReview', 'supervisor', reviewDue, t);
  if (reviewLate) {
    deadlines.push(deadlineFact('supervisorReview', false));
    escalations.push(escalationFact('customer-service', 'raised'));
    escalations.push(escalationFact('customer-service', 'resolved', staff('customer-service')));
    record.escalationCount = 1;
  } else {
    deadlines.push(deadlineFact('supervisorReview', true));
  }
  if (r() < 0.04) {
    record.rejection = {
      by: staff('supervisor'),
      role: 'supervisor',
      at: iso(reviewed),
      reason: '不屬管理處範圍',
    };
    record.outcome = 'rejected';
    const closed = after(reviewed, 60 + r() * 600);
    if (closed > now) return open('filing', 'clerk', after(reviewed, minutes.filing), reviewed);
    record.status = 'closed';
    record.currentStep = 'filed';
    record.closedAt = iso(closed);
    return finish();
  }
  const department =
    r() < 0.9
      ? (DEFAULT_DEPARTMENT[plan.category] ?? 'management-office')
      : pick(r, ['engineering', 'cleaning', 'management-office']);
  record.category = plan.category;
  record.department = department;
  record.supervisorReview = {
    by: staff('supervisor'),
    role: 'supervisor',
    at: iso(reviewed),
    opinion: '安排相關部門跟進處理。',
  };
  record.workOrder = { number: `WO-${ref}`, issuedAt: iso(reviewed + 60_000) };

  // 4. The department commits dates.
  const commitLate = r() < (department === 'engineering' ? 0.07 : 0.03);
  const commitTaken = commitLate
    ? minutes.departmentCommitment * (1.1 + r())
    : minutes.departmentCommitment * (0.1 + r() * 0.85);
  const committedAt = after(reviewed, commitTaken);
  if (committedAt > now) {
    return open(
      'departmentCommitment',
      'department',
      after(reviewed, minutes.departmentCommitment),
      reviewed,
    );
  }
  deadlines.push(deadlineFact('departmentCommitment', !commitLate));
  if (commitLate) {
    escalations.push(escalationFact('supervisor', 'raised'));
    escalations.push(escalationFact('supervisor', 'resolved', staff('supervisor')));
    record.escalationCount = Number(record.escalationCount) + 1;
  }
  const workDays =
    plan.category === 'water-leak' || plan.category === 'repairs' ? 2 + r() * 8 : 0.5 + r() * 3;
  const plannedCompletion = after(committedAt, workDays * 540);
  record.commitment = {
    by: staff('department'),
    role: 'department',
    at: iso(committedAt),
    plannedStart: iso(committedAt + 3600_000),
    plannedCompletion: iso(plannedCompletion),
  };
  record.committedCompletion = iso(plannedCompletion);

  // 6. The work: done by the committed date four times in five.
  const workLate = r() < (department === 'engineering' ? 0.14 : 0.07);
  const done = workLate
    ? after(plannedCompletion, 60 + r() * 1600)
    : after(committedAt, workDays * 540 * (0.5 + r() * 0.5));
  if (done > now) {
    if (plannedCompletion < now) {
      // Missed the committed completion: on the ladder, with the supervisor.
      deadlines.push(deadlineFact('workInProgress', false));
      escalations.push(escalationFact('supervisor', 'raised'));
      record.escalationCount = Number(record.escalationCount) + 1;
      return open(
        'escalationSupervisor',
        'supervisor',
        after(plannedCompletion, minutes.escalationSupervisor),
        plannedCompletion,
        {
          step: 'workInProgress',
          level: 'supervisor',
          overdue: 'workInProgress',
        },
      );
    }
    return open('workInProgress', 'department', plannedCompletion, committedAt);
  }
  if (workLate) {
    deadlines.push(deadlineFact('workInProgress', false));
    escalations.push(escalationFact('supervisor', 'raised'));
    record.escalationCount = Number(record.escalationCount) + 1;
    if (r() < 0.2) {
      escalations.push(escalationFact('supervisor', 'escalated', staff('supervisor')));
      escalations.push(escalationFact('customer-service', 'raised'));
      escalations.push(escalationFact('customer-service', 'resolved', staff('customer-service')));
    } else {
      escalations.push(escalationFact('supervisor', 'resolved', staff('supervisor')));
    }
    const extended = after(plannedCompletion, 540 * (1 + r() * 3));
    (record.commitment as Record<string, unknown>).plannedCompletion = iso(Math.max(extended, done));
  } else {
    deadlines.push(deadlineFact('workInProgress', true));
  }
  record.actualCompletion = iso(done);

  // 8. Satisfaction call-back.
  const askedAt = after(done, 60 + r() * 1200);
  if (askedAt > now)
    return open('satisfactionCallback', 'followup', after(done, minutes.satisfactionCallback), done);
  const base = workLate ? 0.6 : plan.category === 'staff-conduct' || plan.category === 'noise' ? 0.72 : 0.88;
  const roll = r();
  const rating =
    roll < 0.08
      ? 'no-answer'
      : roll < 0.08 + base * 0.6
        ? 'satisfied'
        : roll < 0.08 + base
          ? 'basically-satisfied'
          : 'dissatisfied';
  record.satisfaction = {
    rating,
    by: rating === 'no-answer' ? 'system' : staff('followup'),
    role: rating === 'no-answer' ? 'system' : 'followup',
    at: iso(askedAt),
  };
  if (rating === 'dissatisfied' && r() < 0.25) record.reopenCount = 1;

  // 9. Countersigned and filed.
  const signed = after(askedAt, 60 + r() * 700);
  if (signed > now)
    return open('supervisorSignOff', 'supervisor', after(askedAt, minutes.supervisorSignOff), askedAt);
  deadlines.push(deadlineFact('supervisorSignOff', true));
  record.closingSignature = { by: staff('supervisor'), role: 'supervisor', at: iso(signed) };
  const filed = after(signed, 30 + r() * 900);
  if (filed > now) return open('filing', 'clerk', after(signed, minutes.filing), signed);
  deadlines.push(deadlineFact('filing', true));
  record.filed = { by: staff('clerk'), role: 'clerk', at: iso(filed) };
  record.status = 'closed';
  record.currentStep = 'filed';
  record.outcome = 'resolved';
  record.closedAt = iso(filed);
  return finish();
}

/**
 * Writes the complaints into the table with BatchWriteItem (25 items a request, a few in
 * flight), after reserving their reference numbers on the table's counters, so complaints
 * logged later through the API do not collide with them.
 */
export async function seedTable(
  db: DynamoDBDocumentClient,
  table: string,
  options: SeedOptions,
  progress: (done: number) => void = () => undefined,
): Promise<SeedResult> {
  const started = Date.now();
  const now = (options.now ?? new Date()).getTime();
  // Pass 1: how many per reference scope (area and month), to reserve their numbers.
  const perScope = new Map<string, number>();
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const plan of plans(options)) {
    const scope = refSequenceScope(plan.area.code, new Date(plan.receivedAt));
    perScope.set(scope, (perScope.get(scope) ?? 0) + 1);
    first = Math.min(first, plan.receivedAt);
    last = Math.max(last, plan.receivedAt);
  }
  const next = new Map<string, number>();
  for (const [scope, count] of perScope) {
    const result = await db.send(
      new UpdateCommand({
        TableName: table,
        Key: { PK: 'COUNTER', SK: scope },
        UpdateExpression: 'ADD #seq :n',
        ExpressionAttributeNames: { '#seq': 'seq' },
        ExpressionAttributeValues: { ':n': count },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    next.set(scope, Number(result.Attributes?.seq) - count + 1);
  }
  // Pass 2: the same plans (same seed), now with their numbers, written in batches.
  let complaints = 0;
  let items = 0;
  let openTasks = 0;
  let batch: Record<string, unknown>[] = [];
  const inFlight = new Set<Promise<void>>();
  const write = async (requestItems: Record<string, unknown>[]) => {
    let pending = requestItems.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length; attempt++) {
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (result.UnprocessedItems?.[table] ?? []) as typeof pending;
      if (pending.length)
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
    }
  };
  const flush = async () => {
    const requestItems = batch;
    batch = [];
    const promise = write(requestItems).finally(() => inFlight.delete(promise));
    inFlight.add(promise);
    if (inFlight.size >= 8) await Promise.race(inFlight);
  };
  for (const plan of plans(options)) {
    const scope = refSequenceScope(plan.area.code, new Date(plan.receivedAt));
    const sequence = next.get(scope) ?? 1;
    next.set(scope, sequence + 1);
    const complaintItems = materialise(
      plan,
      formatRef(plan.area.code, new Date(plan.receivedAt), sequence),
      now,
    );
    complaints += 1;
    items += complaintItems.length;
    // Besides its record and search items, a complaint still open has its open task.
    openTasks += complaintItems.filter((item) => item.type === 'task').length;
    for (const item of complaintItems) {
      batch.push(item);
      if (batch.length === 25) await flush();
    }
    if (complaints % 5000 === 0) progress(complaints);
  }
  if (batch.length) await flush();
  await Promise.all(inFlight);
  progress(complaints);
  return {
    complaints,
    items,
    openTasks,
    first: complaints ? iso(first) : '',
    last: complaints ? iso(last) : '',
    ms: Date.now() - started,
  };
}
