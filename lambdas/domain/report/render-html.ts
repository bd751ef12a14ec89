import type { Language } from '#domain/complaint.ts';
import { escapeHtml } from '#domain/mime.ts';
import {
  COMPANY,
  DEADLINE_STEPS,
  LADDER_LEVELS,
  type PausedTime,
  RATINGS,
  type RatingCounts,
  type ScopeStats,
  satisfiedShare,
  shareMet,
  type Timing,
  type Trend,
  totalDeadlines,
} from './aggregate.ts';
import { type Bar, barChart, type ChartTarget, COLOURS, shareChart, stackedChart } from './charts.ts';
import type { RectificationLine, ReportData } from './data.ts';
import {
  areaName,
  categoryName,
  departmentName,
  pauseReasonName,
  REPORT_MESSAGES,
  type ReportMessages,
} from './i18n.ts';
import { localDateTime } from './period.ts';
import { subjectText } from './rectification.ts';
import { relatedSectionHtml } from './related-section.ts';

/**
 * The report as one self-contained HTML document (no scripts, no external resources): charts
 * are inline SVG, or coloured table cells for email clients (`target: 'email'`); the same
 * document prints to A4. One document per language.
 */
export interface RenderOptions {
  readonly target: ChartTarget;
  /** The report's page in the web app, linked from the email. */
  readonly appLink?: string;
  /** A line about the CSV (attached, or to download from the app). */
  readonly csvNote?: string;
}

export const RATING_COLOURS: Record<(typeof RATINGS)[number] | 'pending', string> = {
  satisfied: '#2e7d32',
  'basically-satisfied': '#9ccc65',
  dissatisfied: '#c62828',
  'no-answer': '#9e9e9e',
  pending: '#e0e0e0',
};

export function renderReportHtml(data: ReportData, language: Language, options: RenderOptions): string {
  const m = REPORT_MESSAGES[language];
  const r = new Renderer(data, language, m, options.target);
  const title = `${m.title} · ${m.periodLabel(data.period)}`;
  const body = [
    r.header(options),
    r.summary(),
    r.areasAtAGlance(),
    r.volume(),
    r.timeliness(),
    r.escalations(),
    r.reopenedAndLate(),
    r.paused(),
    r.satisfaction(),
    r.recurrence(),
    r.rectification(),
    r.notes(),
  ].join('\n');
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${css(language)}</style>
</head>
<body>
<div class="report">
${body}
</div>
</body>
</html>
`;
}

class Renderer {
  readonly data: ReportData;
  readonly language: Language;
  readonly m: ReportMessages;
  readonly target: ChartTarget;
  readonly company: ScopeStats;

  constructor(data: ReportData, language: Language, m: ReportMessages, target: ChartTarget) {
    this.data = data;
    this.language = language;
    this.m = m;
    this.target = target;
    this.company = data.scopes[COMPANY] as ScopeStats;
  }

  get scopeIds(): string[] {
    return [COMPANY, ...this.data.areas.filter((id) => this.data.scopes[id])];
  }

  header(options: RenderOptions): string {
    const { m, data } = this;
    const link = options.appLink
      ? `<p class="noprint"><a href="${escapeHtml(options.appLink)}">${escapeHtml(m.emailOpenLink)}</a></p>`
      : '';
    const csv = options.csvNote ? `<p class="muted">${escapeHtml(options.csvNote)}</p>` : '';
    return `<header>
<h1>${escapeHtml(m.title)}</h1>
<p class="period"><strong>${escapeHtml(m.periodLabel(data.period))}</strong> (${data.period.firstDay} – ${data.period.lastDay})</p>
<p class="muted">${escapeHtml(m.previousPeriod)}: ${escapeHtml(m.periodLabel(data.previous))} · ${escapeHtml(m.generatedAt)}: ${localDateTime(data.generatedAt)} (UTC+8)</p>
${link}${csv}</header>`;
  }

  summary(): string {
    const { m, company: c, data } = this;
    const ack = c.acknowledgement;
    const done = c.completion.onTime + c.completion.late;
    const cells: [string, string, string?][] = [
      [m.kpi.received, int(c.received.current), change(c.received)],
      [m.kpi.closed, int(c.status.closed)],
      [m.kpi.open, int(c.status.open)],
      [m.kpi.acknowledgedInTime, pct(ack.measured ? ack.withinTarget / ack.measured : undefined)],
      [m.kpi.averageAcknowledgement, this.hours(average(ack))],
      [m.kpi.averageSignature, this.hours(average(c.signature))],
      [m.kpi.completedOnTime, pct(done ? c.completion.onTime / done : undefined)],
      [m.kpi.deadlinesMet, pct(shareMet(totalDeadlines(c.deadlinesByStep)))],
      [m.kpi.satisfied, pct(satisfiedShare(c.satisfaction))],
      [m.kpi.escalated, int(c.escalatedComplaints)],
      [m.kpi.reopened, int(c.reopened.complaints)],
      [m.kpi.openPastDeadline, int(c.openPastDeadline)],
      [m.kpi.repeatComplainants, int(data.repeatComplainants.owners)],
      [m.kpi.rectificationDrafted, int(data.rectification.drafted.length)],
    ];
    const rows: string[] = [];
    for (let i = 0; i < cells.length; i += 4) {
      rows.push(
        `<tr>${cells
          .slice(i, i + 4)
          .map(
            ([label, value, note]) =>
              `<td><div class="kpi-value">${value}</div><div class="kpi-label">${escapeHtml(label)}</div>${note ? `<div class="kpi-note">${note}</div>` : ''}</td>`,
          )
          .join('')}</tr>`,
      );
    }
    return this.section(
      'summary',
      m.sections.summary,
      `<table class="kpis" role="presentation">${rows.join('')}</table>`,
    );
  }

  areasAtAGlance(): string {
    const { m } = this;
    const ids = this.scopeIds;
    const scopes = ids.map((id) => this.data.scopes[id] as ScopeStats);
    const row = (label: string, values: string[]) =>
      `<tr><th scope="row">${escapeHtml(label)}</th>${values.map((v) => `<td class="n">${v}</td>`).join('')}</tr>`;
    const rows = [
      row(
        m.kpi.received,
        scopes.map((s) => int(s.received.current)),
      ),
      row(
        m.columns.previous,
        scopes.map((s) => int(s.received.previous)),
      ),
      row(
        m.columns.change,
        scopes.map((s) => change(s.received)),
      ),
      row(
        m.kpi.closed,
        scopes.map((s) => int(s.status.closed)),
      ),
      row(
        m.kpi.open,
        scopes.map((s) => int(s.status.open)),
      ),
      row(
        m.kpi.acknowledgedInTime,
        scopes.map((s) =>
          pct(
            s.acknowledgement.measured
              ? s.acknowledgement.withinTarget / s.acknowledgement.measured
              : undefined,
          ),
        ),
      ),
      row(
        m.kpi.averageAcknowledgement,
        scopes.map((s) => this.hours(average(s.acknowledgement))),
      ),
      row(
        m.kpi.averageSignature,
        scopes.map((s) => this.hours(average(s.signature))),
      ),
      row(
        m.kpi.completedOnTime,
        scopes.map((s) => {
          const done = s.completion.onTime + s.completion.late;
          return pct(done ? s.completion.onTime / done : undefined);
        }),
      ),
      row(
        m.kpi.deadlinesMet,
        scopes.map((s) => pct(shareMet(totalDeadlines(s.deadlinesByStep)))),
      ),
      row(
        m.kpi.satisfied,
        scopes.map((s) => pct(satisfiedShare(s.satisfaction))),
      ),
      row(
        m.kpi.escalated,
        scopes.map((s) => int(s.escalatedComplaints)),
      ),
      row(
        m.kpi.reopened,
        scopes.map((s) => int(s.reopened.complaints)),
      ),
      row(
        m.kpi.openPastDeadline,
        scopes.map((s) => int(s.openPastDeadline)),
      ),
    ];
    const head = `<tr><th></th>${ids.map((id) => `<th scope="col" class="n">${escapeHtml(areaName(id, this.language))}</th>`).join('')}</tr>`;
    return this.section('areas', m.sections.areas, `<table class="data">${head}${rows.join('')}</table>`);
  }

  volume(): string {
    const { m, company: c } = this;
    const parts = [
      this.trendBlock(m.by.area, c.areas, (id) => areaName(id, this.language)),
      this.trendBlock(m.by.channel, c.channels, (id) => m.channels[id] ?? id),
      this.trendBlock(m.by.category, c.categories, (id) => categoryName(id, this.language)),
      this.categoryByArea(),
      this.trendBlock(m.by.department, c.departments, (id) => departmentName(id, this.language)),
    ];
    return this.section('volume', m.sections.volume, parts.join('\n'));
  }

  trendBlock(title: string, trends: Record<string, Trend>, name: (id: string) => string): string {
    const { m } = this;
    const entries = Object.entries(trends).sort(
      (a, b) => b[1].current - a[1].current || b[1].previous - a[1].previous || a[0].localeCompare(b[0]),
    );
    const total = entries.reduce((sum, [, t]) => sum + t.current, 0);
    const bars: Bar[] = entries.map(([id, t]) => ({
      label: name(id),
      value: t.current,
      previous: t.previous,
    }));
    const chart = barChart(bars, {
      target: this.target,
      title,
      legend: { current: m.legendCurrent, previous: m.legendPrevious },
    });
    const rows = entries
      .map(
        ([id, t]) =>
          `<tr><td>${escapeHtml(name(id))}</td><td class="n">${int(t.current)}</td><td class="n">${int(t.previous)}</td><td class="n">${change(t)}</td><td class="n">${pct(total ? t.current / total : undefined)}</td></tr>`,
      )
      .join('');
    return `<h3>${escapeHtml(title)}</h3>${chart}<table class="data"><tr><th></th><th class="n">${escapeHtml(m.columns.thisPeriod)}</th><th class="n">${escapeHtml(m.columns.previous)}</th><th class="n">${escapeHtml(m.columns.change)}</th><th class="n">${escapeHtml(m.columns.share)}</th></tr>${rows}</table>`;
  }

  categoryByArea(): string {
    const { m, data } = this;
    const areas = data.areas.filter((id) => data.scopes[id]);
    if (areas.length < 2) return '';
    const categories = Object.entries(this.company.categories)
      .sort((a, b) => b[1].current - a[1].current || a[0].localeCompare(b[0]))
      .map(([id]) => id);
    const head = `<tr><th>${escapeHtml(m.columns.category)}</th>${areas.map((id) => `<th class="n">${escapeHtml(areaName(id, this.language))}</th>`).join('')}</tr>`;
    const rows = categories
      .map(
        (category) =>
          `<tr><td>${escapeHtml(categoryName(category, this.language))}</td>${areas
            .map((area) => {
              const t = data.scopes[area]?.categories[category] ?? { current: 0, previous: 0 };
              return `<td class="n">${int(t.current)} <span class="muted">(${change(t)})</span></td>`;
            })
            .join('')}</tr>`,
      )
      .join('');
    return `<h3>${escapeHtml(`${m.by.category} × ${m.by.area}`)}</h3><table class="data">${head}${rows}</table>`;
  }

  timeliness(): string {
    const { m, data } = this;
    const timingTable = (pick: (s: ScopeStats) => Timing, targetMinutes: number) => {
      const rows = this.scopeIds
        .map((id) => {
          const t = pick(data.scopes[id] as ScopeStats);
          return `<tr><td>${escapeHtml(areaName(id, this.language))}</td><td class="n">${int(t.measured)}</td><td class="n">${this.hours(average(t))}</td><td class="n">${pct(t.measured ? t.withinTarget / t.measured : undefined)}</td><td class="n">${this.hours(t.measured ? t.maxMinutes : undefined)}</td><td class="n">${int(t.pending)}</td></tr>`;
        })
        .join('');
      const histogram = barChart(
        (pick(this.company).buckets ?? []).map((count, i) => ({
          label: m.timeliness.buckets[i] ?? '',
          value: count,
        })),
        { target: this.target, title: m.timeliness.target(this.m.hours(hoursText(targetMinutes))) },
      );
      return `<p class="muted">${escapeHtml(m.timeliness.target(m.hours(hoursText(targetMinutes))))}</p>${histogram}<table class="data"><tr><th></th><th class="n">${escapeHtml(m.columns.measured)}</th><th class="n">${escapeHtml(m.columns.average)}</th><th class="n">${escapeHtml(m.columns.withinTarget)}</th><th class="n">${escapeHtml(m.columns.longest)}</th><th class="n">${escapeHtml(m.columns.pending)}</th></tr>${rows}</table>`;
    };
    const completionRows = this.scopeIds
      .map((id) => {
        const c = (data.scopes[id] as ScopeStats).completion;
        return `<tr><td>${escapeHtml(areaName(id, this.language))}</td><td class="n">${int(c.committed)}</td><td class="n">${int(c.onTime)}</td><td class="n">${int(c.late)}</td><td class="n">${this.hours(c.late ? c.lateMinutes / c.late : undefined)}</td><td class="n">${int(c.overdue)}</td><td class="n">${int(c.notDue)}</td><td class="n">${int(c.extended)}</td></tr>`;
      })
      .join('');
    const cc = this.company.completion;
    const completionChart = barChart(
      [
        { label: m.timeliness.onTime, value: cc.onTime },
        { label: m.timeliness.late, value: cc.late },
        { label: m.timeliness.overdue, value: cc.overdue },
        { label: m.timeliness.notDue, value: cc.notDue },
      ],
      { target: this.target, title: m.timeliness.completion },
    );
    const steps = DEADLINE_STEPS.filter((step) => this.company.deadlinesByStep[step]);
    const stepRows = steps.map((step) => {
      const share = this.company.deadlinesByStep[step] ?? { met: 0, missed: 0 };
      return { label: m.steps[step], share, rate: shareMet(share) };
    });
    const departments = Object.keys(this.company.deadlinesByDepartment).sort();
    const departmentRows = departments.map((id) => {
      const share = this.company.deadlinesByDepartment[id] ?? { met: 0, missed: 0 };
      return { id, label: departmentName(id, this.language), share, rate: shareMet(share) };
    });
    const shareTable = (
      first: string,
      rows: { label: string; share: { met: number; missed: number }; rate: number | undefined }[],
      extra?: (i: number) => string,
      extraHead = '',
    ) =>
      `<table class="data"><tr><th>${escapeHtml(first)}</th><th class="n">${escapeHtml(m.columns.met)}</th><th class="n">${escapeHtml(m.columns.missed)}</th><th class="n">${escapeHtml(m.columns.metShare)}</th>${extraHead}</tr>${rows
        .map(
          (row, i) =>
            `<tr><td>${escapeHtml(row.label)}</td><td class="n">${int(row.share.met)}</td><td class="n">${int(row.share.missed)}</td><td class="n">${pct(row.rate)}</td>${extra ? extra(i) : ''}</tr>`,
        )
        .join('')}</table>`;
    const parts = [
      `<h3>${escapeHtml(m.timeliness.acknowledgement)}</h3>`,
      timingTable((s) => s.acknowledgement, data.targets.acknowledgementMinutes),
      `<h3>${escapeHtml(m.timeliness.signature)}</h3>`,
      timingTable((s) => s.signature, data.targets.supervisorReviewMinutes),
      `<h3>${escapeHtml(m.timeliness.completion)}</h3>`,
      completionChart,
      `<table class="data"><tr><th></th><th class="n">${escapeHtml(m.columns.count)}</th><th class="n">${escapeHtml(m.timeliness.onTime)}</th><th class="n">${escapeHtml(m.timeliness.late)}</th><th class="n">${escapeHtml(m.timeliness.averageLate)}</th><th class="n">${escapeHtml(m.timeliness.overdue)}</th><th class="n">${escapeHtml(m.timeliness.notDue)}</th><th class="n">${escapeHtml(m.timeliness.extended)}</th></tr>${completionRows}</table>`,
      `<h3>${escapeHtml(m.timeliness.deadlinesByStep)}</h3>`,
      shareChart(
        stepRows.map((row) => ({ label: row.label, share: row.rate, text: pct(row.rate) })),
        { target: this.target, title: m.timeliness.deadlinesByStep },
      ),
      stepRows.length ? shareTable(m.columns.step, stepRows) : `<p>${escapeHtml(m.none)}</p>`,
      `<h3>${escapeHtml(m.timeliness.deadlinesByDepartment)}</h3>`,
      shareChart(
        departmentRows.map((row) => ({ label: row.label, share: row.rate, text: pct(row.rate) })),
        { target: this.target, title: m.timeliness.deadlinesByDepartment },
      ),
      departmentRows.length
        ? shareTable(
            m.columns.department,
            departmentRows,
            (i) => {
              const done = this.company.completionByDepartment[departmentRows[i]?.id ?? ''];
              return `<td class="n">${done ? `${int(done.onTime)} / ${int(done.onTime + done.late)}` : '—'}</td>`;
            },
            `<th class="n">${escapeHtml(m.kpi.completedOnTime)}</th>`,
          )
        : `<p>${escapeHtml(m.none)}</p>`,
    ];
    return this.section('timeliness', m.sections.timeliness, parts.join('\n'));
  }

  escalations(): string {
    const { m, company } = this;
    const rows = LADDER_LEVELS.map((level) => {
      const s = company.escalations[level] ?? {
        raised: 0,
        resolved: 0,
        escalated: 0,
        closed: 0,
        timedOut: 0,
        resolvers: {},
      };
      const resolvers = Object.entries(s.resolvers)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([who, count]) => `${escapeHtml(who)} (${count})`)
        .join(', ');
      return `<tr><td>${escapeHtml(m.levels[level])}</td><td class="n">${int(s.raised)}</td><td class="n">${int(s.resolved)}</td><td class="n">${int(s.escalated)}</td><td class="n">${int(s.timedOut)}</td><td class="n">${int(s.closed)}</td><td>${resolvers || '—'}</td></tr>`;
    }).join('');
    const chart = barChart(
      LADDER_LEVELS.map((level) => ({
        label: m.levels[level],
        value: company.escalations[level]?.raised ?? 0,
      })),
      { target: this.target, title: m.sections.escalations },
    );
    const body = `<p>${escapeHtml(m.escalatedComplaints)}: <strong>${int(company.escalatedComplaints)}</strong></p>${chart}<table class="data"><tr><th>${escapeHtml(m.columns.level)}</th><th class="n">${escapeHtml(m.columns.raised)}</th><th class="n">${escapeHtml(m.columns.resolved)}</th><th class="n">${escapeHtml(m.columns.passedUp)}</th><th class="n">${escapeHtml(m.columns.timedOut)}</th><th class="n">${escapeHtml(m.columns.closedByManager)}</th><th>${escapeHtml(m.columns.resolvedBy)}</th></tr>${rows}</table>`;
    return this.section('escalations', m.sections.escalations, body);
  }

  reopenedAndLate(): string {
    const { m, data, company } = this;
    const reopened = data.reopened.length
      ? `<table class="data"><tr><th>${escapeHtml(m.columns.ref)}</th><th>${escapeHtml(m.columns.area)}</th><th>${escapeHtml(m.columns.category)}</th><th class="n">${escapeHtml(m.columns.reopens)}</th></tr>${data.reopened
          .map(
            (r) =>
              `<tr><td>${escapeHtml(r.ref)}</td><td>${escapeHtml(areaName(r.area, this.language))}</td><td>${escapeHtml(categoryName(r.category ?? 'uncategorised', this.language))}</td><td class="n">${r.reopenCount}</td></tr>`,
          )
          .join('')}</table>`
      : '';
    const late = data.openPastDeadline.length
      ? `<table class="data"><tr><th>${escapeHtml(m.columns.ref)}</th><th>${escapeHtml(m.columns.area)}</th><th>${escapeHtml(m.columns.waitingOn)}</th><th>${escapeHtml(m.columns.lateStep)}</th><th>${escapeHtml(m.columns.due)}</th><th class="n">${escapeHtml(m.columns.overdue)}</th></tr>${data.openPastDeadline
          .map(
            (t) =>
              `<tr><td>${escapeHtml(t.ref)}</td><td>${escapeHtml(areaName(t.area, this.language))}</td><td>${escapeHtml(this.stepName(t.step))} · ${escapeHtml(m.roles[t.role] ?? t.role)}</td><td>${t.lateStep ? escapeHtml(this.stepName(t.lateStep)) : '—'}</td><td class="date">${localDateTime(t.dueAt)}</td><td class="n">${t.overdueMinutes ? this.hours(t.overdueMinutes) : '—'}</td></tr>`,
          )
          .join('')}</table>`
      : '';
    const body = `<h3>${escapeHtml(m.kpi.reopened)}</h3><p>${escapeHtml(m.reopenedComplaints(company.reopened.complaints, company.reopened.reopens))}</p>${reopened}
<h3>${escapeHtml(m.kpi.openPastDeadline)}: ${int(company.openPastDeadline)}</h3><p class="muted">${escapeHtml(m.pastDeadlineNote)}</p>${late}`;
    return this.section('late', m.sections.reopenedAndLate, body);
  }

  /** Time paused by category and by reason (issue 17 §2), and the progress notices sent (§3). */
  paused(): string {
    const { m, company } = this;
    const p = m.paused;
    const table = (first: string, rows: [string, PausedTime][]) =>
      `<table class="data"><tr><th>${escapeHtml(first)}</th><th class="n">${escapeHtml(p.complaints)}</th><th class="n">${escapeHtml(p.pauses)}</th><th class="n">${escapeHtml(p.hours)}</th></tr>${rows
        .map(
          ([name, t]) =>
            `<tr><td>${escapeHtml(name)}</td><td class="n">${int(t.complaints)}</td><td class="n">${int(t.pauses)}</td><td class="n">${this.hours(t.minutes)}</td></tr>`,
        )
        .join('')}</table>`;
    const byCategory = Object.entries(company.pausedByCategory)
      .sort((a, b) => b[1].minutes - a[1].minutes)
      .map(([id, t]) => [categoryName(id, this.language), t] as [string, PausedTime]);
    const byReason = Object.entries(company.pausedByReason)
      .sort((a, b) => b[1].minutes - a[1].minutes)
      .map(([id, t]) => [pauseReasonName(id, this.language), t] as [string, PausedTime]);
    const body = byCategory.length
      ? `<p class="muted">${escapeHtml(p.intro)}</p><h3>${escapeHtml(p.byCategory)}</h3>${table(m.columns.category, byCategory)}<h3>${escapeHtml(p.byReason)}</h3>${table(p.reason, byReason)}`
      : `<p class="muted">${escapeHtml(p.none)}</p>`;
    return this.section(
      'paused',
      m.sections.paused,
      `${body}<p>${escapeHtml(p.progressNotices(company.progressNotices))}</p>`,
    );
  }

  satisfaction(): string {
    const { m, company } = this;
    const legend = [...RATINGS, 'pending' as const].map((rating) => ({
      label: m.ratings[rating],
      colour: RATING_COLOURS[rating],
    }));
    const rowsOf = (map: Record<string, RatingCounts>, name: (id: string) => string) =>
      Object.entries(map)
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([id, counts]) => ({
          label: name(id),
          parts: [...RATINGS, 'pending' as const].map((rating) => ({
            value: counts[rating],
            colour: RATING_COLOURS[rating],
          })),
          text: pct(satisfiedShare(counts)),
          counts,
        }));
    const block = (title: string, rows: ReturnType<typeof rowsOf>) =>
      `<h3>${escapeHtml(title)}</h3>${stackedChart(rows, { target: this.target, title, legend })}<table class="data"><tr><th></th>${[
        ...RATINGS,
        'pending' as const,
      ]
        .map((rating) => `<th class="n">${escapeHtml(m.ratings[rating])}</th>`)
        .join('')}<th class="n">${escapeHtml(m.kpi.satisfied)}</th></tr>${rows
        .map(
          (row) =>
            `<tr><td>${escapeHtml(row.label)}</td>${[...RATINGS, 'pending' as const]
              .map((rating) => `<td class="n">${int(row.counts[rating])}</td>`)
              .join('')}<td class="n">${row.text}</td></tr>`,
        )
        .join('')}</table>`;
    const previous = satisfiedShare(company.satisfactionPrevious);
    const body = [
      `<p>${escapeHtml(m.kpi.satisfied)}: <strong>${pct(satisfiedShare(company.satisfaction))}</strong> (${escapeHtml(m.columns.previous)} ${pct(previous)})</p>`,
      block(
        m.by.area,
        rowsOf(company.satisfactionByArea, (id) => areaName(id, this.language)),
      ),
      block(
        m.by.department,
        rowsOf(company.satisfactionByDepartment, (id) => departmentName(id, this.language)),
      ),
      block(
        m.by.category,
        rowsOf(company.satisfactionByCategory, (id) => categoryName(id, this.language)),
      ),
    ];
    return this.section('satisfaction', m.sections.satisfaction, body.join('\n'));
  }

  recurrence(): string {
    const { m, data } = this;
    const repeat = data.repeatComplainants;
    const categories = (counts: Readonly<Record<string, number>>) =>
      Object.entries(counts)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([id, n]) => `${escapeHtml(categoryName(id, this.language))} ${n}`)
        .join('、');
    const owners = repeat.top.length
      ? `<table class="data"><tr><th>${escapeHtml(m.columns.owner)}</th><th>${escapeHtml(m.columns.location)}</th><th class="n">${escapeHtml(m.columns.thisPeriod)}</th><th class="n">${escapeHtml(m.columns.last12Months)}</th><th>${escapeHtml(m.columns.category)}</th><th>${escapeHtml(m.columns.references)}</th></tr>${repeat.top
          .map(
            (o) =>
              `<tr><td>${escapeHtml(o.name)}</td><td>${escapeHtml(areaName(o.area, this.language))} ${escapeHtml([o.building, o.unit].filter(Boolean).join(' '))}</td><td class="n">${o.periodCount}</td><td class="n">${o.yearCount}</td><td>${categories(o.categories)}</td><td class="refs">${escapeHtml(o.refs.join(', '))}</td></tr>`,
          )
          .join('')}</table>`
      : '';
    const locationTable = (rows: ReportData['recurring']['locations'], withCategory: boolean) =>
      rows.length
        ? `<table class="data"><tr><th>${escapeHtml(m.columns.location)}</th>${withCategory ? `<th>${escapeHtml(m.columns.category)}</th>` : `<th>${escapeHtml(m.columns.category)}</th>`}<th class="n">${escapeHtml(m.columns.thisPeriod)}</th><th class="n">${escapeHtml(m.columns.previous)}</th><th>${escapeHtml(m.columns.references)}</th></tr>${rows
            .map(
              (l) =>
                `<tr><td>${escapeHtml(areaName(l.area, this.language))} ${escapeHtml([l.building, l.unit].filter(Boolean).join(' '))}</td><td>${withCategory ? escapeHtml(categoryName(l.category ?? 'uncategorised', this.language)) : categories(l.categories)}</td><td class="n">${l.count}</td><td class="n">${l.previous}</td><td class="refs">${escapeHtml(l.refs.join(', '))}</td></tr>`,
            )
            .join('')}</table>`
        : `<p>${escapeHtml(m.noItems)}</p>`;
    const body = `<h3>${escapeHtml(m.kpi.repeatComplainants)}</h3><p>${escapeHtml(m.repeatNote(repeat.owners, repeat.complaints))}</p>${owners}
<h3>${escapeHtml(m.recurringLocations)}</h3>${locationTable(data.recurring.locations, true)}
<h3>${escapeHtml(m.recurringUnits)}</h3>${locationTable(data.recurring.units, false)}
${data.related ? relatedSectionHtml(data.related, this.language) : ''}`;
    return this.section('recurrence', m.sections.recurrence, body);
  }

  rectification(): string {
    const { m, data } = this;
    const drafted = data.rectification.drafted.length
      ? `<table class="data"><tr><th>${escapeHtml(m.columns.subject)}</th><th>${escapeHtml(m.columns.problem)}</th><th>${escapeHtml(m.columns.department)}</th><th>${escapeHtml(m.columns.dueDate)}</th></tr>${data.rectification.drafted
          .map(
            (item) =>
              `<tr><td>${escapeHtml(subjectText(item.subject, this.language))}<div class="muted">${escapeHtml(item.id)}</div></td><td>${escapeHtml(this.problem(item))}</td><td>${escapeHtml(departmentName(item.department, this.language))}</td><td class="date">${item.dueDate}</td></tr>`,
          )
          .join('')}</table>`
      : `<p>${escapeHtml(m.noItems)}</p>`;
    const tracked = data.rectification.tracked.length
      ? `<table class="data"><tr><th>${escapeHtml(m.columns.subject)}</th><th>${escapeHtml(m.columns.status)}</th><th>${escapeHtml(m.columns.measures)}</th><th>${escapeHtml(m.columns.department)}</th><th>${escapeHtml(m.columns.dueDate)}</th><th>${escapeHtml(m.columns.evidence)}</th><th class="n">${escapeHtml(m.columns.thisPeriodCount)}</th></tr>${data.rectification.tracked
          .map(
            (item) =>
              `<tr><td>${escapeHtml(subjectText(item.subject, this.language))}<div class="muted">${escapeHtml(item.id)}</div></td><td><span class="status status-${item.status}">${escapeHtml(m.statuses[item.status])}</span></td><td>${escapeHtml(item.measures ?? '—')}</td><td>${escapeHtml(departmentName(item.department, this.language))}</td><td class="date">${item.dueDate}${item.overdue ? ` <strong class="up">${escapeHtml(m.overdueItem)}</strong>` : ''}</td><td>${escapeHtml(m.evidenceText(item.evidence.count, item.evidence.period, item.evidence.previousCount))}</td><td class="n">${item.thisPeriod} ${arrow(item.thisPeriod - item.evidence.count)}</td></tr>`,
          )
          .join('')}</table>`
      : `<p>${escapeHtml(m.noItems)}</p>`;
    return this.section(
      'rectification',
      m.sections.rectification,
      `<h3>${escapeHtml(m.newItems)}</h3>${
        data.rectification.overThreshold > data.rectification.drafted.length
          ? `<p>${escapeHtml(m.moreOverThreshold(data.rectification.overThreshold, data.rectification.drafted.length))}</p>`
          : ''
      }${drafted}<h3>${escapeHtml(m.trackedItems)}</h3>${tracked}`,
    );
  }

  notes(): string {
    const { m, data } = this;
    const items = m
      .notes({
        thresholds: data.thresholds,
        ...(data.previousFrom ? { previousFrom: data.previousFrom } : {}),
        generatedAt: `${localDateTime(data.generatedAt)} (UTC+8)`,
      })
      .map((note) => `<li>${escapeHtml(note)}</li>`)
      .join('');
    return this.section('notes', m.sections.notes, `<ul class="notes">${items}</ul>`);
  }

  problem(item: RectificationLine): string {
    return item.problem ?? item.problemDraft[this.language];
  }

  stepName(step: string): string {
    return (this.m.steps as Record<string, string>)[step] ?? step;
  }

  hours(minutes: number | undefined): string {
    return minutes === undefined ? '—' : this.m.hours(hoursText(minutes));
  }

  section(id: string, title: string, body: string): string {
    return `<section id="${id}"><h2>${escapeHtml(title)}</h2>\n${body}\n</section>`;
  }
}

function average(timing: Timing): number | undefined {
  return timing.measured ? timing.totalMinutes / timing.measured : undefined;
}

function hoursText(minutes: number): string {
  return (minutes / 60).toFixed(1);
}

export function int(n: number): string {
  return n.toLocaleString('en-US');
}

export function pct(share: number | undefined): string {
  return share === undefined ? '—' : `${(share * 100).toFixed(1)}%`;
}

/** `+12 (+15.0%)`; a rise in complaints is marked up (red), a fall down (green). */
export function change(trend: Trend): string {
  const delta = trend.current - trend.previous;
  if (delta === 0) return '±0';
  const sign = delta > 0 ? '+' : '−';
  const percent = trend.previous ? ` (${sign}${((Math.abs(delta) / trend.previous) * 100).toFixed(1)}%)` : '';
  return `<span class="${delta > 0 ? 'up' : 'down'}">${sign}${int(Math.abs(delta))}${percent}</span>`;
}

function arrow(delta: number): string {
  if (delta === 0) return '';
  return delta > 0 ? '<span class="up">▲</span>' : '<span class="down">▼</span>';
}

function css(language: Language): string {
  const fonts =
    language === 'zh-Hans'
      ? "'Noto Sans CJK SC','Microsoft YaHei','PingFang SC','Noto Sans CJK TC',sans-serif"
      : "'Noto Sans CJK TC','Microsoft JhengHei','PingFang TC','Noto Sans CJK SC',sans-serif";
  return `
body{margin:0;background:#fff;color:${COLOURS.text};font-family:${fonts};font-size:14px;line-height:1.45}
.report{max-width:960px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 8px;padding-bottom:4px;border-bottom:2px solid ${COLOURS.current};break-after:avoid;page-break-after:avoid}
h3{font-size:15px;margin:18px 0 6px;break-after:avoid;page-break-after:avoid}
p{margin:4px 0 8px}
.muted{color:${COLOURS.muted};font-size:12px}
.period{font-size:16px;margin:0}
table{border-collapse:collapse}
table.data{width:100%;font-size:12px;margin:6px 0 14px}
.data th,.data td{border:1px solid #d5dbe3;padding:4px 6px;text-align:left;vertical-align:top}
.data th{background:#f1f4f8;font-weight:600}
.data .n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.data tr{break-inside:avoid;page-break-inside:avoid}
.refs{font-size:11px;color:${COLOURS.muted}}
.date{white-space:nowrap}
table.kpis{width:100%;margin:8px 0}
.kpis td{width:25%;border:1px solid #d5dbe3;padding:8px 10px;vertical-align:top}
.kpi-value{font-size:22px;font-weight:700;font-variant-numeric:tabular-nums}
.kpi-label{font-size:12px;color:${COLOURS.muted}}
.kpi-note{font-size:12px}
.up{color:#c62828}.down{color:#2e7d32}
svg.chart{display:block;max-width:100%;height:auto;margin:6px 0}
.legend{font-size:12px;margin:4px 0}
.legend .swatch{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:middle}
table.bars{font-size:12px;margin:6px 0 10px}
.bar-label{width:190px;text-align:right;padding-right:8px;white-space:nowrap}
.bar-text{width:80px;padding-left:6px;white-space:nowrap}
.status{padding:1px 6px;border-radius:8px;background:#eef1f5;white-space:nowrap}
.status-done{background:#e3f1e4}.status-dropped{background:#f2f2f2;color:${COLOURS.muted}}.status-draft{background:#fff4d6}
.notes{font-size:12px;color:${COLOURS.muted}}
a{color:${COLOURS.current}}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
@page{size:A4;margin:14mm}
@media print{body{font-size:10pt}.report{max-width:none;padding:0}.noprint{display:none}section{break-before:auto}h2{margin-top:18px}}
`;
}
