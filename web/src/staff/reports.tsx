import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { DEPARTMENTS } from '#config/catalogue.ts';
import {
  mayEditRectification,
  mayListRectification,
  mayMakeReports,
  mayReadReports,
} from '#domain/access.ts';
import { type ApiError, api } from '../api.ts';
import type { Session } from '../auth.ts';
import { DateInput, Notice, useFocusHeading } from '../components.tsx';
import { areaName, categoryName, departmentName, formatDate, formatDateTime, lang, t } from '../i18n.ts';
import { REPORT_TEXTS, type ReportTextKey } from '../messages/reports.ts';
import { Link } from '../router.tsx';
import { dayMonthYearOf, parseDayMonthYearDate, parseIsoWeek, parseMonthYear } from '../validation.ts';
import { EstateStatistics } from './estate-statistics.tsx';

/**
 * Procedure step 10 in the app: the periodic analysis reports (made on schedule, or now for a
 * month or week), each report's headline figures with its full HTML (opened in a tab, printable)
 * and CSV, and the rectification plan that customer service edits, approves and tracks to done.
 */
const rt = (key: ReportTextKey, values: Record<string, string | number> = {}) =>
  (REPORT_TEXTS[lang()][key] ?? key).replace(/\{(\w+)\}/g, (match, name: string) =>
    values[name] === undefined ? match : String(values[name]),
  );

/** Navigation labels of these pages, for the app's header. */
export const reportNav = (key: 'nav.reports' | 'nav.rectification') => rt(key);

const pct = (share: number | null | undefined) =>
  share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)}%`;

interface Summary {
  received: number;
  previousReceived: number;
  closed: number;
  open: number;
  acknowledgedInTime: number | null;
  deadlinesMet: number | null;
  completedOnTime: number | null;
  satisfied: number | null;
  escalated: number;
  reopened: number;
  openPastDeadline: number;
  repeatComplainants: number;
  rectificationDrafted: number;
}

interface Report {
  id: string;
  kind: 'month' | 'week';
  period: string;
  periodStart: string;
  periodEnd: string;
  trigger: 'schedule' | 'api';
  requestedBy?: string;
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt?: string;
  summary?: Summary;
  links?: Partial<Record<string, { html: string; csv: string; csvBytes: number }>>;
  linksExpireAt?: string;
  data?: {
    areas: string[];
    scopes: Record<string, { received: { current: number; previous: number } }>;
    rectification: { drafted: Line[]; tracked: Line[] };
  };
}

interface Subject {
  kind: 'category' | 'location' | 'unit';
  area: string;
  category?: string;
  building?: string;
  unit?: string;
}

interface Line {
  id: string;
  subject: Subject;
  status: Status;
  problem?: string;
  problemDraft: Record<string, string>;
  department: string;
  dueDate: string;
  thisPeriod: number;
  overdue: boolean;
}

type Status = 'draft' | 'approved' | 'in-progress' | 'done' | 'dropped';

interface Item {
  id: string;
  subject: Subject;
  status: Status;
  problem?: string;
  problemDraft: Record<string, string>;
  department: string;
  dueDate: string;
  measures?: string;
  version: number;
  evidence: { period: string; count: number; previousCount: number; refs: string[] };
  progress: Record<string, { count: number }>;
  notes: { at: string; by: string; text: string }[];
}

/** What may follow what (as the API allows: lambdas/domain/report/rectification.ts). */
const NEXT: Record<Status, Status[]> = {
  draft: ['approved', 'dropped'],
  approved: ['in-progress', 'done', 'dropped'],
  'in-progress': ['done', 'dropped'],
  done: ['in-progress'],
  dropped: ['draft'],
};

/** Past its due date (Hong Kong date) while still open. */
function isOverdue(item: Pick<Item, 'status' | 'dueDate'>): boolean {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  return ['draft', 'approved', 'in-progress'].includes(item.status) && item.dueDate < today;
}

export function subjectText(subject: Subject): string {
  const place = [subject.building, subject.unit].filter(Boolean).join(' ');
  const area = areaName(subject.area);
  if (subject.kind === 'category') return `${area} · ${categoryName(subject.category)}`;
  if (subject.kind === 'location') return `${area} · ${place} · ${categoryName(subject.category)}`;
  return `${area} · ${rt('rect.subject.unit', { place })}`;
}

/** `/reports`: make a report now; the past reports with their headline figures. */
export function ReportsPage({ session }: { session: Session }) {
  const heading = useFocusHeading('reports');
  const [reports, setReports] = useState<Report[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [kind, setKind] = useState<'month' | 'week'>('month');
  const [period, setPeriod] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [making, setMaking] = useState(false);
  const [made, setMade] = useState<string | undefined>();

  const load = async () => {
    try {
      setReports((await api<{ reports: Report[] }>('GET', '/api/reports')).reports);
      setError(undefined);
    } catch (e) {
      setError(rt((e as ApiError).status === 403 ? 'error.forbidden' : 'rect.error.field'));
    }
  };
  useEffect(() => {
    void load();
  }, []);

  if (!mayReadReports(session)) return <Notice kind="error">{rt('error.forbidden')}</Notice>;

  /** The period as the API takes it (`2026-11`, `2026-W48`), or what is wrong with it as typed. */
  const periodOf = (typed: string, as: 'month' | 'week') => {
    const parsed = as === 'month' ? parseMonthYear(typed) : parseIsoWeek(typed);
    return 'problem' in parsed
      ? { problem: t(parsed.problem) }
      : { value: 'month' in parsed ? parsed.month : parsed.week };
  };
  const make = async (event: Event) => {
    event.preventDefault();
    setMade(undefined);
    const checked = periodOf(period, kind);
    if ('problem' in checked) {
      setFieldError(checked.problem);
      return;
    }
    setMaking(true);
    setFieldError(undefined);
    try {
      const report = await api<Report>('POST', '/api/reports', { [kind]: checked.value });
      setMade(rt('reports.made', { period: report.period }));
      await load();
    } catch (e) {
      const problem = (e as ApiError).fields?.[0]?.message;
      setFieldError(problem ?? rt('rect.error.field'));
    } finally {
      setMaking(false);
    }
  };

  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        {rt('reports.title')}
      </h1>
      <p class="lead">{rt('reports.intro')}</p>
      <form class="filters" onSubmit={(event) => void make(event)} aria-label={rt('reports.make')}>
        <label class="filter">
          <span>{rt('reports.kind')}</span>
          <select
            value={kind}
            onChange={(e) => {
              setKind((e.currentTarget as HTMLSelectElement).value as 'month');
              setPeriod('');
              setFieldError(undefined);
            }}
          >
            <option value="month">{rt('reports.kindMonth')}</option>
            <option value="week">{rt('reports.kindWeek')}</option>
          </select>
        </label>
        <label class="filter">
          <span>{rt(kind === 'month' ? 'reports.month' : 'reports.week')}</span>
          {/* Typed as the app writes it (month/year; the ISO week), not as the browser's locale would. */}
          <input
            name="period"
            type="text"
            inputMode={kind === 'month' ? 'numeric' : 'text'}
            autoComplete="off"
            placeholder={kind === 'month' ? t('field.monthPlaceholder') : '2026-W48'}
            value={period}
            required
            aria-invalid={fieldError ? 'true' : undefined}
            aria-describedby={fieldError ? 'period-error' : undefined}
            onInput={(e) => {
              const typed = (e.currentTarget as HTMLInputElement).value;
              setPeriod(typed);
              // A problem goes once the period is one (or says what is wrong with it now).
              if (fieldError) {
                const checked = periodOf(typed, kind);
                setFieldError('problem' in checked ? checked.problem : undefined);
              }
            }}
          />
        </label>
        <button type="submit" class="primary" disabled={making}>
          {rt(making ? 'reports.making' : 'reports.make')}
        </button>
        {fieldError ? (
          <p id="period-error" class="error" role="alert">
            {fieldError}
          </p>
        ) : null}
      </form>
      {made ? <Notice kind="success">{made}</Notice> : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
      {reports && reports.length === 0 ? <p>{rt('reports.empty')}</p> : null}
      {reports && reports.length > 0 ? (
        <table class="table" data-testid="reports">
          <thead>
            <tr>
              <th scope="col">{rt('reports.period')}</th>
              <th scope="col">{rt('reports.generated')}</th>
              <th scope="col">{rt('reports.by')}</th>
              <th scope="col">{rt('reports.status')}</th>
              <th scope="col">{rt('reports.received')}</th>
              <th scope="col">{rt('reports.satisfied')}</th>
              <th scope="col">{rt('reports.pastDeadline')}</th>
              <th scope="col">{rt('reports.drafted')}</th>
            </tr>
          </thead>
          <tbody>
            {reports.map((report) => (
              <tr key={report.id}>
                <td>
                  <Link href={`/reports/${encodeURIComponent(report.id)}`}>{report.period}</Link>
                </td>
                <td>{formatDateTime(report.finishedAt ?? report.startedAt)}</td>
                <td>{report.trigger === 'schedule' ? rt('reports.bySchedule') : report.requestedBy}</td>
                <td>{rt(`reports.status.${report.status}`)}</td>
                <td>
                  {report.summary ? (
                    <>
                      {report.summary.received}{' '}
                      <span class="sub">
                        {rt('reports.previous', { n: report.summary.previousReceived })}
                      </span>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{pct(report.summary?.satisfied)}</td>
                <td>{report.summary?.openPastDeadline ?? '—'}</td>
                <td>{report.summary?.rectificationDrafted ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {mayMakeReports(session) ? <EstateStatistics /> : null}
    </section>
  );
}

/** `/reports/<id>`: one report's figures, its rectification items, its files. */
export function ReportPage({ session, id }: { session: Session; id: string }) {
  const heading = useFocusHeading(id);
  const [report, setReport] = useState<Report | undefined>();
  const [error, setError] = useState<string | undefined>();
  const language = lang();
  useEffect(() => {
    api<Report>('GET', `/api/reports/${encodeURIComponent(id)}?lang=${language}`)
      .then(setReport)
      .catch((e: ApiError) => setError(rt(e.status === 403 ? 'error.forbidden' : 'rect.error.field')));
  }, [id, language]);
  if (!mayReadReports(session)) return <Notice kind="error">{rt('error.forbidden')}</Notice>;
  if (error) return <Notice kind="error">{error}</Notice>;
  if (!report) return <p>…</p>;
  const s = report.summary;
  const links = report.links?.[language];
  const kpis: [ReportTextKey, string | number][] = s
    ? [
        ['reports.kpi.received', s.received],
        ['reports.kpi.closed', s.closed],
        ['reports.kpi.open', s.open],
        ['reports.kpi.acknowledgedInTime', pct(s.acknowledgedInTime)],
        ['reports.kpi.deadlinesMet', pct(s.deadlinesMet)],
        ['reports.kpi.completedOnTime', pct(s.completedOnTime)],
        ['reports.kpi.satisfied', pct(s.satisfied)],
        ['reports.kpi.escalated', s.escalated],
        ['reports.kpi.reopened', s.reopened],
        ['reports.kpi.openPastDeadline', s.openPastDeadline],
        ['reports.kpi.repeatComplainants', s.repeatComplainants],
      ]
    : [];
  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        {rt('reports.title')} · {report.period}
      </h1>
      <p class="sub">
        {formatDate(report.periodStart)} –{' '}
        {formatDate(new Date(Date.parse(report.periodEnd) - 1).toISOString())} · {rt('reports.generated')}{' '}
        {formatDateTime(report.finishedAt ?? report.startedAt)}
      </p>
      {links ? (
        <p class="actions">
          <a
            class="button primary"
            href={links.html}
            target="_blank"
            rel="noopener noreferrer"
            data-testid="open-report"
          >
            {rt('reports.openFull')}
          </a>
          <a class="button" href={links.csv} data-testid="report-csv">
            {rt('reports.csv')}
          </a>
        </p>
      ) : null}
      {report.linksExpireAt ? (
        <p class="sub">{rt('reports.linksExpire', { time: formatDateTime(report.linksExpireAt) })}</p>
      ) : null}
      <h2>{rt('reports.summary')}</h2>
      <dl class="kpis" data-testid="report-kpis">
        {kpis.map(([key, value]) => (
          <div key={key}>
            <dt>{rt(key)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {report.data ? (
        <>
          <h2>{rt('reports.byArea')}</h2>
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{rt('reports.area')}</th>
                <th scope="col">{rt('reports.thisPeriod')}</th>
                <th scope="col">{rt('reports.previousPeriod')}</th>
              </tr>
            </thead>
            <tbody>
              {report.data.areas.map((area) => (
                <tr key={area}>
                  <td>{areaName(area)}</td>
                  <td>{report.data?.scopes[area]?.received.current ?? 0}</td>
                  <td>{report.data?.scopes[area]?.received.previous ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{rt('reports.newItems')}</h2>
          <Lines lines={report.data.rectification.drafted} />
          <h2>{rt('reports.trackedItems')}</h2>
          <Lines lines={report.data.rectification.tracked} />
          <p>
            <Link href="/rectifications">{rt('rect.title')}</Link>
          </p>
        </>
      ) : null}
    </section>
  );
}

function Lines({ lines }: { lines: Line[] }) {
  if (lines.length === 0) return <p>{rt('reports.noItems')}</p>;
  return (
    <ul class="rect-lines">
      {lines.map((line) => (
        <li key={line.id}>
          <strong>{subjectText(line.subject)}</strong> — {rt(`rect.status.${line.status}`)} ·{' '}
          {departmentName(line.department)} · {rt('rect.dueDate')} {line.dueDate}
          {line.overdue ? <span class="badge badge--overdue">{rt('rect.overdue')}</span> : null} ·{' '}
          {rt('reports.thisPeriodCount', { n: line.thisPeriod })}
        </li>
      ))}
    </ul>
  );
}

/** `/rectifications`: the plan's items; customer service and the manager edit them. */
export function RectificationPage({ session }: { session: Session }) {
  const heading = useFocusHeading('rectification');
  const [filter, setFilter] = useState<'open' | 'all' | 'done' | 'dropped'>('open');
  const [items, setItems] = useState<Item[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = async () => {
    try {
      const query = filter === 'all' ? '' : `?status=${filter}`;
      setItems((await api<{ items: Item[] }>('GET', `/api/rectifications${query}`)).items);
      setError(undefined);
    } catch (e) {
      setError(rt((e as ApiError).status === 403 ? 'error.forbidden' : 'rect.error.field'));
    }
  };
  useEffect(() => {
    void load();
  }, [filter]);
  if (!mayListRectification(session)) {
    return <Notice kind="error">{rt('error.forbidden')}</Notice>;
  }
  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        {rt('rect.title')}
      </h1>
      <p class="lead">{rt('rect.intro')}</p>
      <label class="filter">
        <span>{rt('rect.filter')}</span>
        <select
          value={filter}
          onChange={(e) => setFilter((e.currentTarget as HTMLSelectElement).value as 'open')}
        >
          {(['open', 'all', 'done', 'dropped'] as const).map((value) => (
            <option key={value} value={value}>
              {rt(`rect.filter.${value}`)}
            </option>
          ))}
        </select>
      </label>
      {error ? <Notice kind="error">{error}</Notice> : null}
      {items && items.length === 0 ? <p>{rt('rect.empty')}</p> : null}
      {items?.map((item) => (
        <RectificationCard
          key={`${item.id}:${item.version}`}
          item={item}
          editable={mayEditRectification(session)}
        />
      ))}
    </section>
  );
}

function RectificationCard({ item: initial, editable }: { item: Item; editable: boolean }) {
  const [item, setItem] = useState(initial);
  const [status, setStatus] = useState<Status>(initial.status);
  const [problem, setProblem] = useState(initial.problem ?? initial.problemDraft[lang()] ?? '');
  const [measures, setMeasures] = useState(initial.measures ?? '');
  const [department, setDepartment] = useState(initial.department);
  // Typed dd/mm/yyyy (DateInput); the item and the API keep YYYY-MM-DD.
  const [dueDate, setDueDate] = useState(dayMonthYearOf(initial.dueDate));
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: string } | undefined>();
  const [saving, setSaving] = useState(false);
  const id = `rect-${item.id}`;

  /** A field changed: its problem goes (the API found it; it checks again on saving). */
  const edited = (name: string) =>
    setErrors((shown) => {
      const { [name]: _gone, ...rest } = shown;
      return rest;
    });
  const save = async (event: Event) => {
    event.preventDefault();
    setNotice(undefined);
    const due = parseDayMonthYearDate(dueDate);
    if ('problem' in due) {
      setErrors({ dueDate: t(due.problem) });
      return;
    }
    setSaving(true);
    setErrors({});
    const draftText = item.problem ?? item.problemDraft[lang()] ?? '';
    try {
      const saved = await api<Item>('PATCH', `/api/rectifications/${encodeURIComponent(item.id)}`, {
        version: item.version,
        ...(status !== item.status ? { status } : {}),
        ...(problem.trim() && problem !== draftText ? { problem } : {}),
        ...(measures.trim() && measures !== (item.measures ?? '') ? { measures } : {}),
        ...(department !== item.department ? { department } : {}),
        ...(due.date !== item.dueDate ? { dueDate: due.date } : {}),
        ...(note.trim() ? { note } : {}),
      });
      setItem(saved);
      setNote('');
      setNotice({ kind: 'success', text: rt('rect.saved') });
    } catch (e) {
      const failure = e as ApiError;
      if (failure.status === 409) setNotice({ kind: 'error', text: rt('rect.conflict') });
      else {
        const byField: Record<string, string> = {};
        for (const f of failure.fields ?? []) {
          byField[f.field] = f.field === 'measures' ? rt('rect.error.measures') : rt('rect.error.field');
        }
        setErrors(byField);
        if (!failure.fields?.length) setNotice({ kind: 'error', text: rt('rect.error.field') });
      }
    } finally {
      setSaving(false);
    }
  };

  const field = (name: string, label: string, control: JSX.Element) => (
    <div class="field">
      <label for={`${id}-${name}`}>{label}</label>
      {control}
      {errors[name] ? (
        <p class="error" id={`${id}-${name}-error`} role="alert">
          {errors[name]}
        </p>
      ) : null}
    </div>
  );

  return (
    <article class="card rect-card" data-testid="rectification-item" data-item={item.id}>
      <h2>
        {subjectText(item.subject)}{' '}
        <span class={`badge rect-${item.status}`}>{rt(`rect.status.${item.status}`)}</span>
      </h2>
      <p class="sub">
        {rt('rect.evidence', {
          count: item.evidence.count,
          period: item.evidence.period,
          previous: item.evidence.previousCount,
        })}
        {isOverdue(item) ? <span class="badge badge--overdue">{rt('rect.overdue')}</span> : null}
      </p>
      <p class="sub">
        {rt('rect.refs')}: {item.evidence.refs.join(', ')}
      </p>
      {Object.keys(item.progress).length ? (
        <p class="sub">
          {rt('rect.progress')}:{' '}
          {Object.entries(item.progress)
            .sort((a, b) => a[0].localeCompare(b[0]))
            .map(([period, entry]) => rt('rect.progressEntry', { period, count: entry.count }))
            .join(' · ')}
        </p>
      ) : null}
      {editable ? (
        <form class="form" onSubmit={(event) => void save(event)} aria-label={subjectText(item.subject)}>
          {field(
            'problem',
            rt('rect.problem'),
            <textarea
              id={`${id}-problem`}
              rows={2}
              value={problem}
              onInput={(e) => {
                setProblem((e.currentTarget as HTMLTextAreaElement).value);
                edited('problem');
              }}
            />,
          )}
          {field(
            'measures',
            rt('rect.measures'),
            <textarea
              id={`${id}-measures`}
              rows={2}
              value={measures}
              aria-invalid={errors.measures ? 'true' : undefined}
              aria-describedby={errors.measures ? `${id}-measures-error` : undefined}
              onInput={(e) => {
                setMeasures((e.currentTarget as HTMLTextAreaElement).value);
                edited('measures');
              }}
            />,
          )}
          <div class="row">
            {field(
              'status',
              rt('rect.status'),
              <select
                id={`${id}-status`}
                value={status}
                onChange={(e) => {
                  setStatus((e.currentTarget as HTMLSelectElement).value as Status);
                  edited('status');
                }}
              >
                {[item.status, ...NEXT[item.status]].map((value) => (
                  <option key={value} value={value}>
                    {rt(`rect.status.${value}`)}
                  </option>
                ))}
              </select>,
            )}
            {field(
              'department',
              rt('rect.department'),
              <select
                id={`${id}-department`}
                value={department}
                onChange={(e) => {
                  setDepartment((e.currentTarget as HTMLSelectElement).value);
                  edited('department');
                }}
              >
                {DEPARTMENTS.map((d) => (
                  <option key={d.id} value={d.id}>
                    {departmentName(d.id)}
                  </option>
                ))}
              </select>,
            )}
            {field(
              'dueDate',
              rt('rect.dueDate'),
              <DateInput
                attributes={{
                  id: `${id}-dueDate`,
                  'aria-invalid': errors.dueDate ? 'true' : undefined,
                  'aria-describedby': errors.dueDate ? `${id}-dueDate-error` : undefined,
                }}
                value={dueDate}
                onInput={(e) => {
                  setDueDate((e.currentTarget as HTMLInputElement).value);
                  edited('dueDate');
                }}
              />,
            )}
          </div>
          {field(
            'note',
            rt('rect.note'),
            <input
              id={`${id}-note`}
              type="text"
              value={note}
              onInput={(e) => {
                setNote((e.currentTarget as HTMLInputElement).value);
                edited('note');
              }}
            />,
          )}
          <button type="submit" class="primary" disabled={saving}>
            {rt(saving ? 'rect.saving' : 'rect.save')}
          </button>
          {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
        </form>
      ) : (
        <dl>
          <dt>{rt('rect.problem')}</dt>
          <dd>{item.problem ?? item.problemDraft[lang()]}</dd>
          <dt>{rt('rect.measures')}</dt>
          <dd>{item.measures ?? '—'}</dd>
          <dt>{rt('rect.department')}</dt>
          <dd>{departmentName(item.department)}</dd>
          <dt>{rt('rect.dueDate')}</dt>
          <dd>{dayMonthYearOf(item.dueDate)}</dd>
        </dl>
      )}
      {item.notes.length ? (
        <details>
          <summary>{rt('rect.notes')}</summary>
          <ul>
            {item.notes.map((n) => (
              <li key={`${n.at}${n.by}`}>
                {formatDateTime(n.at)} · {n.by} · {n.text}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </article>
  );
}
