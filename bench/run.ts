import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { type Figure, meetsGoal } from './figures.ts';
import { benchWorkflow } from './workflow.ts';

/**
 * `npm run bench [-- <name>...]`: runs the benchmarks on this machine and writes
 * bench/results.json and the table in docs/performance.md. Names: workflow.
 */
const BENCHMARKS: Record<string, (log: (line: string) => void) => Promise<Figure[]>> = {
  workflow: benchWorkflow,
};

const ROOT = join(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench', 'results.json');

for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
for (const name of wanted) {
  if (!BENCHMARKS[name]) {
    console.error(`Unknown benchmark ${name}: choose from ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
}
const selected = wanted.length ? wanted : Object.keys(BENCHMARKS);

let previous: { figures: Figure[] } = { figures: [] };
try {
  previous = JSON.parse(readFileSync(RESULTS, 'utf8')) as { figures: Figure[] };
} catch {
  // First run.
}
const figures = new Map(previous.figures.map((f) => [f.name, f]));
for (const name of selected) {
  const run = BENCHMARKS[name];
  if (!run) continue;
  console.log(`== ${name}`);
  for (const figure of await run((line) => console.log(line))) figures.set(figure.name, figure);
}

const all = [...figures.values()].sort((a, b) => a.name.localeCompare(b.name));
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(totalmem() / 1024 ** 3),
  node: process.version,
  measuredAt: new Date().toISOString(),
};
writeFileSync(RESULTS, `${JSON.stringify({ figures: all, machine }, null, 2)}\n`);

const rows = all.map((f) => {
  const met = meetsGoal(f);
  return `| \`${f.name}\` | ${f.value} ${f.unit} | ${f.goal ?? '—'} | ${met === null ? '' : met ? 'met' : '**not met**'} |`;
});
writeFileSync(
  join(ROOT, 'docs', 'performance.md'),
  `# Performance

Measured by \`npm run bench\` on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node},
${machine.measuredAt}. Raw figures: [bench/results.json](../bench/results.json).

| figure | value | goal | |
| --- | --- | --- | --- |
${rows.join('\n')}

How each is measured:
- \`workflow.*\`: one complaint driven through the staff API of an in-process local stack along the
  happy path (phone complaint with an email address: acknowledged by email, signed, work order,
  committed dates, plan accepted, done, satisfied, countersigned, filed), and one left alone
  until the manager has been reminded once, then resolved and taken to the end. Transitions are
  the states entered. The cost uses AWS list prices and the assumptions in \`bench/workflow.ts\`
  (\`PRICES\`, \`ASSUMPTIONS\`): Step Functions Standard transitions, Lambda requests and arm64
  GB-seconds (256 MB, 200 ms billed each), DynamoDB on-demand units (2 per write, 1 per read),
  SES emails out and one email in, API Gateway requests, S3, CloudWatch Logs and X-Ray.
`,
);
console.log(`Wrote ${RESULTS} and docs/performance.md`);
for (const f of all) {
  const met = meetsGoal(f);
  console.log(
    `${f.name}: ${f.value} ${f.unit}${f.goal ? ` (goal ${f.goal}: ${met ? 'met' : 'NOT met'})` : ''}`,
  );
}
process.exit(0);
