import { csvDocument } from '#domain/csv.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';

/** The company's time zone, as ../i18n.ts shows times in (kept here: this module has no DOM). */
const COMPANY_TIME_ZONE = 'Asia/Hong_Kong';

/**
 * One complaint of `GET /api/complaints`, as the list shows and exports it
 * (lambdas/domain/complaint-list.ts ComplaintListItem).
 */
export interface ListItem {
  readonly ref: string;
  readonly receivedAt: string;
  readonly channel: string;
  readonly area: string;
  readonly building?: string;
  readonly unit?: string;
  readonly category?: string;
  readonly department?: string;
  readonly status: string;
  readonly currentStep: string;
  readonly outcome?: string;
  readonly ownerName: string;
  /** Only for roles that may list owners' contacts (domain/access.ts mayListOwnerContacts). */
  readonly ownerPhone?: string;
  readonly ownerEmail?: string;
  readonly summary?: string;
  readonly plannedStart?: string;
  readonly plannedCompletion?: string;
  /** The current step's due time, as the workflow enforces it. */
  readonly dueAt?: string;
  readonly overdue?: boolean;
  /** When the overdue step ran out of time. */
  readonly overdueSince?: string;
}

/** The app's names and formats in the current language (../i18n.ts), passed in so this stays free of the DOM. */
export interface CsvWords {
  t(key: MessageKey): string;
  tOr(key: string, fallback: string): string;
  areaName(id: string): string;
  categoryName(id: string): string;
  departmentName(id: string): string;
  stepName(id: string): string;
  formatDateTime(iso: string): string;
}

/** The export's columns, in order; the contact columns only for those who may list contacts. */
function columns(withContacts: boolean): MessageKey[] {
  return [
    'csv.ref',
    'csv.receivedAt',
    'csv.channel',
    'csv.area',
    'csv.building',
    'csv.unit',
    'csv.owner',
    ...(withContacts ? (['csv.phone', 'csv.email'] as const) : []),
    'csv.summary',
    'csv.category',
    'csv.department',
    'csv.status',
    'csv.step',
    'csv.outcome',
    'csv.plannedStart',
    'csv.plannedCompletion',
    'csv.dueAt',
    'csv.overdue',
    'csv.overdueSince',
  ];
}

/**
 * The list as CSV, written as every CSV of the product is (#domain/csv.ts: a cell a spreadsheet
 * would run as a formula starts with `'`). `withContacts`: the caller may list owners' contacts
 * (the API sends them only then; the columns are left out otherwise rather than left empty).
 */
export function toCsv(rows: ListItem[], words: CsvWords, options: { withContacts: boolean }): string {
  const { t, tOr, areaName, categoryName, departmentName, stepName, formatDateTime } = words;
  const when = (at: string | undefined) => (at ? formatDateTime(at) : '');
  return csvDocument(
    columns(options.withContacts).map((key) => t(key)),
    rows.map((r) => [
      r.ref,
      formatDateTime(r.receivedAt),
      tOr(`channel.${r.channel}`, r.channel),
      areaName(r.area),
      r.building ?? '',
      r.unit ?? '',
      r.ownerName,
      ...(options.withContacts ? [r.ownerPhone ?? '', r.ownerEmail ?? ''] : []),
      r.summary ?? '',
      r.category ? categoryName(r.category) : '',
      r.department ? departmentName(r.department) : '',
      t(r.status === 'closed' ? 'status.closed' : 'status.open'),
      stepName(r.currentStep),
      r.outcome ? tOr(`outcome.${r.outcome}`, r.outcome) : '',
      when(r.plannedStart),
      when(r.plannedCompletion),
      r.status === 'closed' ? '' : when(r.dueAt),
      r.overdue ? t('app.yes') : t('app.no'),
      r.overdue ? when(r.overdueSince) : '',
    ]),
  );
}

/** The company's date (Hong Kong) of a moment: `2026-12-07` for 7 Dec 01:00 HKT (6 Dec 17:00 UTC). */
export function companyDate(at: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: COMPANY_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The export's file name, by the company's date the file was made. */
export function csvFileName(at: Date): string {
  return `complaints-${companyDate(at)}.csv`;
}
