import { readFileSync } from 'node:fs';
import { parsePeriod } from '#domain/report/period.ts';
import { reportConfig } from '#services/report-config.ts';
import { runReport } from '#services/report-run.ts';

/**
 * One report run in a process of its own, so its peak memory is the report's (plus Node and
 * the SDK), as a Lambda container's would be: the benchmark's parent process holds the local
 * stack and its emulators. Prints one JSON line: seconds (wall and CPU), peak RSS and heap,
 * rows read.
 * The environment (endpoints; the report function's table, bucket, recipients) is the local stack's.
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
/**
 * The process's peak resident set: VmHWM, the high-water mark of its own address space. Not
 * getrusage's maxRSS, which on Linux also holds the parent's resident set at the fork before
 * this process's exec: the benchmark's parent holds the whole local stack.
 */
const peakRssMb = () => {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // Not Linux: the sampled peak below.
  }
  return peaks.rss / 1048576;
};
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
    peakRssMb: peakRssMb(),
    peakHeapMb: heapPeak / 1024 / 1024,
    rows: item.rows,
    status: item.status,
    peaksMb: Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, Math.round(v / 1048576)])),
  })}\n`,
);
