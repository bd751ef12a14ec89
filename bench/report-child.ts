import { parsePeriod } from '../lambdas/domain/report/period.ts';
import { reportConfig } from '../lambdas/services/report-config.ts';
import { runReport } from '../lambdas/services/report-run.ts';

/**
 * One report run in a process of its own, so its peak memory is the report's (plus Node and
 * the SDK), as a Lambda container's would be: the benchmark's parent process holds the local
 * stack and its emulators. Prints one JSON line: seconds (wall and CPU), peak RSS and heap,
 * rows read.
 * The environment (endpoints, table, bucket, recipients) is the local stack's.
 */
let heapPeak = 0;
const peaks = { rss: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
const sample = () => {
  const usage = process.memoryUsage();
  heapPeak = Math.max(heapPeak, usage.heapUsed);
  for (const key of Object.keys(peaks) as (keyof typeof peaks)[])
    peaks[key] = Math.max(peaks[key], usage[key]);
};
const sampler = setInterval(sample, 20);
const period = parsePeriod(process.argv[2] ?? '');
const started = performance.now();
const { item } = await runReport(
  { period, trigger: 'api', requestedBy: 'bench' },
  reportConfig(
    process.env.TABLE_NAME ?? '',
    process.env.REPORTS_BUCKET ?? '',
    process.env.REPORT_RECIPIENTS ?? '',
  ),
);
const seconds = (performance.now() - started) / 1000;
const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};
clearInterval(sampler);
heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
process.stdout.write(
  `${JSON.stringify({
    seconds,
    cpuSeconds: cpuSeconds(),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    peakHeapMb: heapPeak / 1024 / 1024,
    rows: item.rows,
    status: item.status,
    peaksMb: Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, Math.round(v / 1048576)])),
  })}\n`,
);
