import { parseArgs } from 'node:util';
import { LANGUAGES } from '#domain/complaint.ts';
import { lastCompletePeriod } from '#domain/report/period.ts';
import { findLocalStack } from './find-stack.ts';

/**
 * `npm run report -- --month 2026-11` (or `--week 2026-W48`): makes a periodic report in the
 * running local stack now, as customer service would from the web app: signs in as a demo
 * customer-service user and calls `POST /api/reports`. The report is stored (HTML, CSV) and
 * emailed; the outbox shows the email. With no period, the last complete month.
 */
const { values } = parseArgs({
  options: {
    month: { type: 'string' },
    week: { type: 'string' },
    // An estate's yearly statistics for its owners' organisation (issue 16 §5).
    estate: { type: 'string' },
    year: { type: 'string' },
    lang: { type: 'string' },
    out: { type: 'string', default: 'estate-statistics' },
    user: { type: 'string', default: 'customer-service.kowloon-east' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run report -- [--month YYYY-MM | --week YYYY-Www] [--user customer-service.kowloon-east]

       npm run report -- --estate <estate id> --year 2026 [--lang en] [--out estate-statistics]

Makes the report in the local stack running on PORT (${process.env.PORT ?? 3000}); with no period, the last complete month.
With --estate: the estate's yearly complaint statistics for its owners' organisation (in its
language unless --lang), written as HTML (open it and print to PDF) and CSV into --out.`);
  process.exit(0);
}
if (values.estate && (values.month || values.week)) {
  console.error('npm run report: --estate takes a --year, not a --month or --week');
  process.exit(2);
}
if (values.month && values.week) {
  console.error('npm run report: give --month or --week, not both');
  process.exit(2);
}

const stack = await findLocalStack('npm run report');
const body = values.week
  ? { week: values.week }
  : { month: values.month ?? lastCompletePeriod('month', new Date()).key };

const tokenResponse = await fetch(`${stack.web}/api/local/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: values.user }),
});
if (!tokenResponse.ok) {
  console.error(
    `npm run report: cannot sign in as ${values.user} (GET ${stack.web}/api/local/users lists the demo users)`,
  );
  process.exit(1);
}
const { token } = (await tokenResponse.json()) as { token: string };

if (values.estate) {
  const year = values.year ?? String(new Date().getFullYear());
  const query = new URLSearchParams({ year, ...(values.lang ? { lang: values.lang } : {}) });
  const response = await fetch(
    `${stack.web}/api/directory/estates/${encodeURIComponent(values.estate)}/statistics?${query}`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  const answer = (await response.json()) as {
    statistics?: { estateName: string; language: string; total: number; open: number; closed: number };
    html?: string;
    csv?: string;
    message?: string;
    errors?: { field: string; message: string }[];
  };
  if (
    response.status !== 200 ||
    !answer.statistics ||
    answer.html === undefined ||
    answer.csv === undefined
  ) {
    const errors = answer.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
    console.error(`npm run report: ${response.status} ${errors ?? answer.message ?? ''}`);
    process.exit(1);
  }
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { join, resolve } = await import('node:path');
  const directory = resolve(values.out);
  await mkdir(directory, { recursive: true });
  const base = join(directory, `${values.estate}-${year}.${answer.statistics.language}`);
  await writeFile(`${base}.html`, answer.html);
  await writeFile(`${base}.csv`, answer.csv);
  const s = answer.statistics;
  console.log(`${s.estateName} ${year}: ${s.total} complaints (closed ${s.closed}, open ${s.open}), in ${s.language}
  HTML ${base}.html (open it and print to PDF)
  CSV  ${base}.csv`);
  process.exit(0);
}

console.log(`Making the report for ${body.month ?? body.week} as ${values.user}…`);
const started = Date.now();
const response = await fetch(`${stack.web}/api/reports`, {
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const answer = (await response.json()) as Record<string, unknown>;
if (response.status !== 201) {
  const errors = (answer.errors as { field: string; message: string }[] | undefined)
    ?.map((e) => `${e.field}: ${e.message}`)
    .join('; ');
  console.error(`npm run report: ${response.status} ${errors ?? answer.message ?? ''}`);
  process.exit(1);
}
const report = answer as {
  id: string;
  period: string;
  rows: number;
  durationMs: number;
  summary: Record<string, number | null>;
  emailed?: { recipients: number; messages: number };
  files: Record<string, { html: string; csv: string; csvBytes: number }>;
  links: Record<string, { html: string; csv: string }>;
};
const share = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`;
const s = report.summary;
console.log(`
Report ${report.id} (${report.period}) made in ${(report.durationMs / 1000).toFixed(1)} s (${((Date.now() - started) / 1000).toFixed(1)} s round trip)
  Complaints        ${s.received} (previous period ${s.previousReceived}); closed ${s.closed}, open ${s.open}
  Acknowledged in time ${share(s.acknowledgedInTime)} · step deadlines met ${share(s.deadlinesMet)} · completed on time ${share(s.completedOnTime)}
  Satisfied         ${share(s.satisfied)} · escalated ${s.escalated} · reopened ${s.reopened} · open past deadline ${s.openPastDeadline}
  Repeat complainants ${s.repeatComplainants} · rectification items drafted ${s.rectificationDrafted}
Files (in the reports bucket; links valid 15 minutes):`);
for (const language of LANGUAGES) {
  const files = report.files[language];
  const links = report.links[language];
  if (!files || !links) continue;
  console.log(
    `  ${language.padEnd(8)} HTML ${files.html}\n           ${links.html}\n           CSV  ${files.csv} (${files.csvBytes.toLocaleString('en-US')} bytes)`,
  );
}
console.log(`Emailed: ${report.emailed?.messages ?? 0} message(s) to ${report.emailed?.recipients ?? 0} recipient(s): see the outbox at ${stack.sesOutbox}
In the app: ${stack.web}/reports/${encodeURIComponent(report.id)} · rectification items: GET ${stack.web}/api/rectifications`);
