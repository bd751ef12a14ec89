import type { Language } from '#domain/complaint.ts';
import { COMPANY, type ScopeStats, satisfiedShare, shareMet, totalDeadlines } from './aggregate.ts';
import type { ReportData } from './data.ts';
import { areaName, REPORT_LANGUAGES, REPORT_MESSAGES } from './i18n.ts';
import { int, pct, renderReportHtml } from './render-html.ts';

/**
 * The report by email to customer service and management: one message per language, to the
 * recipients who read that language (`REPORT_RECIPIENTS`: `a@x.com, en:b@x.com,
 * zh-Hans:c@x.com`; 繁體中文 when no language is given). The HTML body is the report itself,
 * drawn for email clients; the text part carries the headline figures.
 */
export interface Recipient {
  readonly address: string;
  readonly language: Language;
}

const ADDRESS = /^[^\s@<>(),;:"]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

/** Parses the recipients list; throws naming the entry that is not an address. */
export function parseRecipients(list: string): Recipient[] {
  const recipients: Recipient[] = [];
  for (const raw of list.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const match = /^(zh-Hant|zh-Hans|en):(.+)$/.exec(entry);
    const language = (match?.[1] as Language | undefined) ?? 'zh-Hant';
    const address = (match?.[2] ?? entry).trim();
    if (!ADDRESS.test(address)) {
      throw new Error(
        `Report recipient '${entry}' is not an address: write name@example.com, or en:name@example.com for English (${REPORT_LANGUAGES.join(', ')})`,
      );
    }
    if (!recipients.some((r) => r.address.toLowerCase() === address.toLowerCase())) {
      recipients.push({ address, language });
    }
  }
  return recipients;
}

/** Recipients grouped by language, in the app's language order. */
export function byLanguage(recipients: readonly Recipient[]): Map<Language, string[]> {
  const groups = new Map<Language, string[]>();
  for (const language of REPORT_LANGUAGES) {
    const addresses = recipients.filter((r) => r.language === language).map((r) => r.address);
    if (addresses.length) groups.set(language, addresses);
  }
  return groups;
}

export interface ReportEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export function reportEmail(
  data: ReportData,
  language: Language,
  options: { appLink: string; csvAttached: boolean },
): ReportEmail {
  const m = REPORT_MESSAGES[language];
  const csvNote = options.csvAttached ? m.emailCsvAttached : m.emailCsvTooLarge;
  const html = renderReportHtml(data, language, { target: 'email', appLink: options.appLink, csvNote });
  const company = data.scopes[COMPANY] as ScopeStats;
  const ack = company.acknowledgement;
  const lines = [
    `${m.title} · ${m.periodLabel(data.period)}`,
    '',
    m.emailIntro,
    '',
    `${m.kpi.received}: ${int(company.received.current)} (${m.columns.previous} ${int(company.received.previous)})`,
    ...data.areas
      .filter((id) => data.scopes[id])
      .map((id) => `  ${areaName(id, language)}: ${int(data.scopes[id]?.received.current ?? 0)}`),
    `${m.kpi.closed}: ${int(company.status.closed)} · ${m.kpi.open}: ${int(company.status.open)}`,
    `${m.kpi.acknowledgedInTime}: ${pct(ack.measured ? ack.withinTarget / ack.measured : undefined)}`,
    `${m.kpi.deadlinesMet}: ${pct(shareMet(totalDeadlines(company.deadlinesByStep)))}`,
    `${m.kpi.satisfied}: ${pct(satisfiedShare(company.satisfaction))}`,
    `${m.kpi.escalated}: ${int(company.escalatedComplaints)} · ${m.kpi.reopened}: ${int(company.reopened.complaints)}`,
    `${m.kpi.openPastDeadline}: ${int(company.openPastDeadline)}`,
    `${m.kpi.rectificationDrafted}: ${int(data.rectification.drafted.length)}`,
    '',
    csvNote,
    `${m.emailOpenLink}: ${options.appLink}`,
  ];
  return { subject: m.emailSubject(data.period), text: `${lines.join('\n')}\n`, html };
}
