import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AREAS } from '#config/areas.ts';
import { CATEGORY_IDS, DEPARTMENT_IDS } from '#config/catalogue.ts';
import { DEFAULT_WORKFLOW_SETTINGS } from '#config/workflow.ts';
import type { ComplaintRecord, Language } from '#domain/complaint.ts';
import { type MailContent, type OwnerMailKind, ownerMail, workOrderMail } from '#domain/emails.ts';
import { parseMessage } from '#domain/mail/parse.ts';
import { buildMime } from '#domain/mime.ts';
import { COMPANY, ReportAggregator, type ReportRow } from '#domain/report/aggregate.ts';
import { csvHeader, csvLines } from '#domain/report/csv.ts';
import { type ReportData, rectificationLine } from '#domain/report/data.ts';
import { reportEmail } from '#domain/report/email.ts';
import { REPORT_LANGUAGES } from '#domain/report/i18n.ts';
import { parsePeriod, previousPeriod } from '#domain/report/period.ts';
import { draftItem } from '#domain/report/rectification.ts';
import { renderReportHtml } from '#domain/report/render-html.ts';
import {
  hostileNonBlank,
  hostileString,
  type MarkupAllowance,
  markupProblems,
  markupUsed,
  PAYLOADS,
} from './hostile.ts';

/**
 * The pages and documents the server writes as HTML strings (the staff app and the owner
 * pages render through Preact, which escapes): the owners' emails, the work order, and the
 * periodic report for the web and for email clients, plus the report's CSV. Whatever an owner
 * (or a member of staff) typed as a name, content, building, unit, opinion or measure, it
 * appears only as text: no new element, no new attribute, no unquoted `"`, no stray `<`.
 */

const union = (documents: readonly string[], rawTextTags: readonly string[] = []): MarkupAllowance => {
  const tags = new Set<string>();
  const attributes = new Set<string>();
  for (const document of documents) {
    const used = markupUsed(document);
    for (const tag of used.tags) tags.add(tag);
    for (const attribute of used.attributes) attributes.add(attribute);
  }
  return { tags, attributes, rawTextTags: new Set(rawTextTags) };
};

describe('the markup check itself', () => {
  it('finds a string that escaped its escaping: an element, a handler, a broken attribute, a script URL', () => {
    const allow: MarkupAllowance = { tags: new Set(['p', 'a']), attributes: new Set(['href', 'title']) };
    expect(
      markupProblems(
        '<p title="a &quot;b&quot;">x &lt;y&gt; &amp; z</p><a href="https://e.example/">e</a>',
        allow,
      ),
    ).toEqual([]);
    for (const broken of [
      '<p>"><img src=x onerror=alert(1)></p>',
      '<p title="a"b">x</p>',
      '<p title="x" onclick="y">x</p>',
      '<a href="jav&#x09;ascript:alert(1)">x</a>',
      '<p>a < b</p>',
      '<p>fish & chips</p>',
      "<p title='x'>x</p>",
    ]) {
      expect(markupProblems(broken, allow), broken).not.toEqual([]);
    }
  });
});

// ----- Emails to owners and departments ------------------------------------------------------

interface RecordText {
  readonly name: string;
  readonly content: string;
  readonly building: string;
  readonly unit: string;
  readonly opinion: string;
  readonly reason: string;
  readonly department: string;
  readonly category: string;
  readonly language: Language;
}

function recordOf(text: RecordText): ComplaintRecord {
  const at = '2026-11-02T01:00:00.000Z';
  const by = { by: 'supervisor.kowloon-east', role: 'supervisor', at };
  return {
    ref: 'KE-2611-0001',
    receivedAt: at,
    channel: 'email',
    area: 'kowloon-east',
    building: text.building,
    unit: text.unit,
    owner: { name: text.name, email: 'chan@example.com', language: text.language },
    content: text.content,
    category: text.category,
    receivedBy: by,
    checklist: {},
    flags: { needsClarification: false, acknowledge: 'email' },
    status: 'closed',
    currentStep: 'closing',
    outcome: text.reason ? 'rejected' : 'resolved',
    supervisorReview: { ...by, opinion: text.opinion },
    rejection: { ...by, reason: text.reason },
    department: text.department as ComplaintRecord['department'],
    commitment: { ...by, plannedStart: at, plannedCompletion: '2026-11-05T10:00:00.000Z' },
    objectionCount: 0,
    reopenCount: 0,
    escalationCount: 0,
  };
}

const KINDS: readonly OwnerMailKind[] = ['acknowledgement', 'plan', 'satisfaction-request', 'closing'];

function mailsOf(record: ComplaintRecord, linkUrl: string): MailContent[] {
  return [
    ...KINDS.map((kind) => ownerMail({ kind, record, linkUrl, answerBy: '2026-11-09T10:00:00.000Z' })),
    ownerMail({ kind: 'closing', record: { ...record, outcome: 'resolved' } }),
    workOrderMail(record, 'WO-2611-0001', linkUrl),
  ];
}

const plain: RecordText = {
  name: '陳大文',
  content: '浴室天花板滲水',
  building: '海濱花園第三座',
  unit: '12樓B室',
  opinion: '安排工程部檢查',
  reason: '',
  department: 'engineering',
  category: 'water-leak',
  language: 'zh-Hant',
};
const EMAIL_MARKUP = union(
  (['zh-Hant', 'zh-Hans', 'en'] as const).flatMap((language) =>
    [plain, { ...plain, reason: '重複投訴' }].flatMap((text) =>
      mailsOf(recordOf({ ...text, language }), 'https://complaints.example.com/owner/abc').map((m) => m.html),
    ),
  ),
);

const recordText: fc.Arbitrary<RecordText> = fc.record({
  name: hostileNonBlank,
  content: hostileNonBlank,
  building: hostileString,
  unit: hostileString,
  opinion: hostileString,
  reason: hostileString,
  department: fc.oneof(fc.constantFrom(...DEPARTMENT_IDS), hostileString),
  category: fc.oneof(fc.constantFrom(...CATEGORY_IDS), hostileString),
  language: fc.constantFrom('zh-Hant', 'zh-Hans', 'en'),
});

describe('emails to owners and departments with hostile record text', () => {
  it('show every name, content, place, opinion and reason as text only', () => {
    fc.assert(
      fc.property(recordText, (text) => {
        for (const mail of mailsOf(recordOf(text), 'https://complaints.example.com/owner/abc')) {
          expect(markupProblems(mail.html, EMAIL_MARKUP)).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('send the owner’s words as the words, and no header of theirs, through MIME and back', async () => {
    await fc.assert(
      fc.asyncProperty(recordText, async (text) => {
        const [acknowledgement] = mailsOf(recordOf(text), 'https://complaints.example.com/owner/abc');
        if (!acknowledgement) throw new Error('no acknowledgement');
        const raw = buildMime({
          from: 'complaints@estate.example',
          to: ['chan@example.com'],
          messageId: 'KE-2611-0001.0d6f2c4e-8a8e-4b8f-9a49-1d2f9b7b6a10@estate.example',
          ...acknowledgement,
        });
        const received = await parseMessage(Buffer.from(raw));
        expect([...received.headers.keys()].sort()).toEqual(
          [
            'from',
            'to',
            'subject',
            'date',
            'message-id',
            'mime-version',
            'auto-submitted',
            'x-auto-response-suppress',
            'content-type',
          ].sort(),
        );
        expect(received.to.map((a) => a.address)).toEqual(['chan@example.com']);
        expect(received.subject).toBe(acknowledgement.subject);
        // UTF-8 has no lone surrogate: one arrives as U+FFFD, as any mail client shows it; and
        // the parser reads line ends as \n.
        const lines = (html: string) => html.toWellFormed().replace(/\r\n?/g, '\n');
        expect(lines(received.html ?? '')).toBe(lines(acknowledgement.html));
      }),
      { numRuns: 100 },
    );
  });
});

// ----- The periodic report -------------------------------------------------------------------

interface ReportText {
  readonly places: readonly { building: string; unit: string }[];
  readonly owners: readonly { name: string; building: string; unit: string }[];
  readonly resolver: string;
  readonly problem: string;
  readonly measures: string;
}

const period = parsePeriod('2026-11');
const previous = previousPeriod(period);
const NOW = new Date('2026-12-01T01:00:00.000Z');

/** A report with every section filled, from complaints at the given places. */
function reportOf(text: ReportText): ReportData {
  const aggregator = new ReportAggregator({
    period,
    previous,
    now: NOW,
    settings: DEFAULT_WORKFLOW_SETTINGS,
    areas: AREAS.map((a) => a.id),
  });
  const rows: ReportRow[] = [];
  text.places.forEach((place, i) => {
    for (const copy of [0, 1]) {
      const ref = `KE-2611-${String(i * 2 + copy + 1).padStart(4, '0')}`;
      const receivedAt = new Date(Date.parse(period.start) + (i * 2 + copy + 1) * 3600_000).toISOString();
      const row: ReportRow = {
        ref,
        receivedAt,
        channel: 'email',
        area: AREAS[i % AREAS.length]?.id ?? 'kowloon-east',
        building: place.building,
        unit: place.unit,
        category: CATEGORY_IDS[i % CATEGORY_IDS.length],
        department: DEPARTMENT_IDS[i % DEPARTMENT_IDS.length],
        status: copy ? 'open' : 'closed',
        outcome: copy ? undefined : 'resolved',
        flags: { acknowledge: 'email' },
        acknowledgedAt: receivedAt,
        supervisorReview: { at: receivedAt },
        commitment: { plannedCompletion: '2026-11-20T10:00:00.000Z' },
        actualCompletion: copy ? undefined : '2026-11-21T10:00:00.000Z',
        satisfaction: { rating: copy ? 'dissatisfied' : 'satisfied' },
        reopenCount: copy,
        deadlines: ['supervisorReview:met', 'workInProgress:missed'],
        escalations: [
          'supervisor:raised',
          `supervisor:resolved:${text.resolver}`,
          'manager:raised',
          'manager:closed',
        ],
        GSI3PK: 'OWNER#email:chan@example.com',
      } as ReportRow;
      rows.push(row);
      aggregator.add(row);
      aggregator.addPrevious(row);
      aggregator.addOpenTask({
        ref,
        area: row.area,
        step: 'workInProgress',
        role: 'department',
        createdAt: receivedAt,
        dueAt: '2026-11-25T10:00:00.000Z',
        late: { step: 'workInProgress', overdue: 'true' },
      });
    }
  });
  const items = text.places.map((place, i) =>
    draftItem(
      {
        subject: {
          kind: i % 2 ? 'unit' : 'location',
          area: 'kowloon-east',
          category: 'water-leak',
          building: place.building,
          unit: place.unit,
        },
        count: 5,
        previousCount: 2,
        threshold: 4,
        refs: ['KE-2611-0001'],
        departments: { engineering: 5 },
      },
      { reportId: 'report-1', period: period.key, now: NOW, dueDays: 30, today: '2026-12-01' },
    ),
  );
  return {
    version: 1,
    id: 'report-1',
    period,
    previous,
    generatedAt: NOW.toISOString(),
    trigger: 'api',
    areas: [...aggregator.scopes.keys()].filter((scope) => scope !== COMPANY),
    targets: { acknowledgementMinutes: 60, supervisorReviewMinutes: 240 },
    thresholds: { category: 1, categoryShare: 0, location: 1, unit: 1 },
    scopes: aggregator.scopeData(),
    repeatComplainants: {
      owners: text.owners.length,
      complaints: text.owners.length * 2,
      top: text.owners.map((owner) => ({
        name: owner.name,
        area: 'kowloon-east',
        building: owner.building,
        unit: owner.unit,
        periodCount: 2,
        yearCount: 3,
        categories: { 'water-leak': 2 },
        refs: ['KE-2611-0001', 'KE-2611-0002'],
      })),
    },
    recurring: { locations: aggregator.recurring('building', 1), units: aggregator.recurring('unit', 1) },
    reopened: aggregator.reopened,
    openPastDeadline: aggregator.pastDeadline(),
    rectification: {
      drafted: items.map((item) => rectificationLine(item, 5, '2026-12-01')),
      tracked: items.map((item) =>
        rectificationLine(
          {
            ...item,
            status: 'in-progress',
            problem: text.problem,
            measures: text.measures,
            dueDate: '2026-11-30',
          },
          3,
          '2026-12-01',
        ),
      ),
      overThreshold: items.length + 2,
    },
    rows: aggregator.rows,
    previousRows: aggregator.previousRows,
  };
}

function reportDocuments(data: ReportData): string[] {
  return REPORT_LANGUAGES.flatMap((language) => [
    renderReportHtml(data, language, { target: 'web' }),
    reportEmail(data, language, {
      appLink: 'https://complaints.example.com/reports/report-1',
      csvAttached: true,
    }).html,
  ]);
}

const REPORT_MARKUP = union(
  reportDocuments(
    reportOf({
      places: [
        { building: '海濱花園第三座', unit: '12樓B室' },
        { building: '德福花園C座', unit: '3樓A室' },
      ],
      owners: [{ name: '陳大文', building: '海濱花園第三座', unit: '12樓B室' }],
      resolver: 'supervisor.kowloon-east',
      problem: '升降機經常故障',
      measures: '更換控制板',
    }),
  ),
  ['style'],
);

const reportText: fc.Arbitrary<ReportText> = fc.record({
  places: fc.array(fc.record({ building: hostileNonBlank, unit: hostileNonBlank }), {
    minLength: 1,
    maxLength: 4,
  }),
  owners: fc.array(fc.record({ name: hostileNonBlank, building: hostileString, unit: hostileString }), {
    minLength: 1,
    maxLength: 3,
  }),
  resolver: hostileNonBlank,
  problem: hostileNonBlank,
  measures: hostileNonBlank,
});

describe('the periodic report with hostile owner and staff text', () => {
  it('has every section the property below checks', () => {
    const [web] = reportDocuments(reportOf(fc.sample(reportText, { numRuns: 1, seed: 7 })[0] as ReportText));
    for (const section of [
      'summary',
      'areas',
      'volume',
      'timeliness',
      'escalations',
      'late',
      'satisfaction',
      'recurrence',
      'rectification',
    ]) {
      expect(web).toContain(`<section id="${section}">`);
    }
    expect(REPORT_MARKUP.tags).not.toContain('script');
  });

  it('shows every owner name, building, unit, resolver, problem and measure as text only, on the web and in email', () => {
    fc.assert(
      fc.property(reportText, (text) => {
        for (const html of reportDocuments(reportOf(text)))
          expect(markupProblems(html, REPORT_MARKUP)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps every building and unit one CSV cell, a formula only as text', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REPORT_LANGUAGES),
        hostileString,
        hostileString,
        (language, building, unit) => {
          const row = {
            ref: 'KE-2611-0001',
            receivedAt: '2026-11-02T01:00:00.000Z',
            channel: 'email',
            area: 'kowloon-east',
            building,
            unit,
            status: 'open',
          } as ReportRow;
          const index = REPORT_LANGUAGES.indexOf(language);
          const line = csvLines(row, { deadlinesMet: 0, deadlinesMissed: 0 })[index] ?? '';
          const header = parseCsv(csvHeader(language).slice(1));
          const cells = parseCsv(line);
          expect(cells.length).toBe(header.length);
          // A formula start (ASCII or full-width), after any blanks, or a leading tab or CR.
          const asText = (value: string) =>
            /^[\t\r]|^[ \t\r\n\u00a0\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]/.test(value)
              ? `'${value}`
              : value;
          expect(cells.slice(3, 5)).toEqual([asText(building), asText(unit)]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('escapes each payload wherever an owner’s text appears', () => {
    for (const payload of PAYLOADS) {
      const text = {
        places: [{ building: payload, unit: payload }],
        owners: [{ name: payload, building: payload, unit: payload }],
        resolver: payload,
        problem: payload,
        measures: payload,
      };
      for (const html of reportDocuments(reportOf(text)))
        expect(markupProblems(html, REPORT_MARKUP)).toEqual([]);
      for (const mail of mailsOf(
        recordOf({
          ...plain,
          name: payload,
          content: payload,
          building: payload,
          unit: payload,
          opinion: payload,
        }),
        'https://complaints.example.com/owner/abc',
      )) {
        expect(markupProblems(mail.html, EMAIL_MARKUP)).toEqual([]);
      }
    }
  });
});

/** One CSV line (RFC 4180, as Excel reads it) into its cells. */
function parseCsv(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else if (char === '\r' && line[i + 1] === '\n') break;
    else cell += char;
  }
  cells.push(cell);
  return cells;
}
