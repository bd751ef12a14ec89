import { downloadUrl } from '#adapters/files.ts';
import { getReportFile, type ReportItem } from '#adapters/reports.ts';
import type { Language } from '#domain/complaint.ts';
import type { ReportData } from '#domain/report/data.ts';
import { REPORT_LANGUAGES } from '#domain/report/i18n.ts';
import { parsePeriod } from '#domain/report/period.ts';
import { csvName } from './report-run.ts';

/** Minutes a report file link stays valid: long enough to open or download, short enough not to leak. */
export const REPORT_LINK_MINUTES = 15;

export interface ReportLinks {
  /** Opens the report in the browser (a self-contained HTML page that prints to A4). */
  readonly html: string;
  /** Downloads the CSV of every complaint of the period. */
  readonly csv: string;
  readonly csvBytes: number;
}

export interface ReportView extends ReportItem {
  /** Short-lived links to the files, per language (only once the report is done). */
  readonly links?: Partial<Record<Language, ReportLinks>>;
  readonly linksExpireAt?: string;
  /** The figures (GET one report only). */
  readonly data?: ReportData;
  /** The HTML of one language, inline (GET one report only). */
  readonly html?: string;
  readonly language?: Language;
}

/**
 * A report as the API answers it. The web app shows `html` in a sandboxed frame (or opens
 * `links[lang].html` in a tab to print) and offers `links[lang].csv` for download; the files
 * stay private in S3 and the links expire.
 */
export async function reportView(
  item: ReportItem,
  bucket: string,
  options: { language?: Language; withContent?: boolean } = {},
): Promise<ReportView> {
  if (item.status !== 'done' || !item.files) return item;
  const expiresIn = REPORT_LINK_MINUTES * 60;
  const period = parsePeriod(item.period);
  const links: Partial<Record<Language, ReportLinks>> = {};
  for (const language of REPORT_LANGUAGES) {
    const files = item.files[language];
    if (!files) continue;
    links[language] = {
      html: await downloadUrl(bucket, files.html, { expiresIn, contentType: 'text/html; charset=utf-8' }),
      csv: await downloadUrl(bucket, files.csv, {
        expiresIn,
        contentType: 'text/csv; charset=utf-8',
        filename: csvName(period, language),
      }),
      csvBytes: files.csvBytes,
    };
  }
  const view: ReportView = {
    ...item,
    links,
    linksExpireAt: new Date(Date.now() + expiresIn * 1000).toISOString(),
  };
  if (!options.withContent) return view;
  const language = options.language ?? 'zh-Hant';
  const htmlKey = item.files[language]?.html;
  const [data, html] = await Promise.all([
    item.dataKey
      ? getReportFile(bucket, item.dataKey).then((text) => JSON.parse(text) as ReportData)
      : undefined,
    htmlKey ? getReportFile(bucket, htmlKey) : undefined,
  ]);
  return { ...view, ...(data ? { data } : {}), ...(html ? { html, language } : {}) };
}
