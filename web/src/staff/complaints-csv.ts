import { csvDocument } from '#domain/csv.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';

/** One complaint of `GET /api/complaints`, as the list shows and exports it. */
export interface ListItem {
  readonly ref: string;
  readonly receivedAt: string;
  readonly channel: string;
  readonly area: string;
  readonly building?: string;
  readonly unit?: string;
  readonly category?: string;
  readonly status: string;
  readonly currentStep: string;
  readonly outcome?: string;
  readonly ownerName: string;
  readonly overdue?: boolean;
}

/** The app's names and formats in the current language (../i18n.ts), passed in so this stays free of the DOM. */
export interface CsvWords {
  t(key: MessageKey): string;
  tOr(key: string, fallback: string): string;
  areaName(id: string): string;
  categoryName(id: string): string;
  stepName(id: string): string;
  formatDateTime(iso: string): string;
}

/** The list as CSV, written as every CSV of the product is (#domain/csv.ts). */
export function toCsv(rows: ListItem[], words: CsvWords): string {
  const { t, tOr, areaName, categoryName, stepName, formatDateTime } = words;
  const header: MessageKey[] = [
    'csv.ref',
    'csv.receivedAt',
    'csv.channel',
    'csv.area',
    'csv.building',
    'csv.unit',
    'csv.category',
    'csv.status',
    'csv.step',
    'csv.outcome',
    'csv.owner',
    'csv.overdue',
  ];
  return csvDocument(
    header.map((key) => t(key)),
    rows.map((r) => [
      r.ref,
      formatDateTime(r.receivedAt),
      tOr(`channel.${r.channel}`, r.channel),
      areaName(r.area),
      r.building ?? '',
      r.unit ?? '',
      r.category ? categoryName(r.category) : '',
      t(r.status === 'closed' ? 'status.closed' : 'status.open'),
      stepName(r.currentStep),
      r.outcome ? tOr(`outcome.${r.outcome}`, r.outcome) : '',
      r.ownerName,
      r.overdue ? t('app.yes') : t('app.no'),
    ]),
  );
}
