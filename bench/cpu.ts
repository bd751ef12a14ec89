import { readdirSync, readFileSync } from 'node:fs';
import type { LocalStack } from '../local/stack.ts';

/**
 * Where a benchmark's CPU goes: the CPU time (user + system) the local stack's processes spent,
 * read from /proc (Linux), so a run can say what one complaint costs in all and in which process,
 * and how many complaints per second the machine's cores could carry at that cost.
 */
export interface CpuSample {
  readonly at: number;
  readonly ms: Readonly<Record<string, number>>;
  readonly dynamoCalls: number;
}

/** CPU milliseconds a process (all its threads), or one thread, has used so far; 0 where /proc cannot tell. */
function processCpuMs(pid: number, path = `/proc/${pid}/stat`): number {
  try {
    const stat = readFileSync(path, 'utf8');
    // Fields after the command name (which may hold spaces, in parentheses): utime is the 14th
    // field of the line, stime the 15th, in clock ticks (100 a second on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/**
 * This process's CPU by kind of thread: the main thread (API, SMTP intake, Step Functions), the
 * function thread (local/runtime/lambda-thread.ts), and the rest (V8's GC helpers, libuv's I/O pool).
 */
function stackThreadsCpuMs(): Record<string, number> {
  const split = { 'stack main thread': 0, 'function thread': 0, 'GC and I/O threads': 0 };
  try {
    for (const tid of readdirSync(`/proc/${process.pid}/task`)) {
      const name = readFileSync(`/proc/${process.pid}/task/${tid}/comm`, 'utf8').trim();
      const ms = processCpuMs(Number(tid), `/proc/${process.pid}/task/${tid}/stat`);
      if (Number(tid) === process.pid) split['stack main thread'] += ms;
      else if (name.startsWith('WorkerThread')) split['function thread'] += ms;
      else split['GC and I/O threads'] += ms;
    }
  } catch {
    split['stack main thread'] = processCpuMs(process.pid);
  }
  return split;
}

export async function sampleCpu(stack: LocalStack): Promise<CpuSample> {
  const requests = await stack.dynamoRequests();
  return {
    at: performance.now(),
    ms: {
      ...stackThreadsCpuMs(),
      dynamodb: processCpuMs(stack.emulatorPids.dynamodb),
      's3 + ses': processCpuMs(stack.emulatorPids.storage),
    },
    dynamoCalls: [...requests.values()].reduce((sum, n) => sum + n, 0),
  };
}

/**
 * The cost of one complaint between two samples: CPU ms in all and by process, DynamoDB calls,
 * and the complaints per second the machine's cores could carry at that cost (a ceiling: it
 * assumes every core busy with nothing else).
 */
export function costPerComplaint(before: CpuSample, after: CpuSample, complaints: number, cores: number) {
  const byProcess = Object.fromEntries(
    Object.keys(after.ms).map((name) => [
      name,
      ((after.ms[name] ?? 0) - (before.ms[name] ?? 0)) / complaints,
    ]),
  );
  const totalMs = Object.values(byProcess).reduce((sum, ms) => sum + ms, 0);
  return {
    totalMs,
    byProcess,
    dynamoCalls: (after.dynamoCalls - before.dynamoCalls) / complaints,
    ceilingPerSecond: totalMs > 0 ? (cores * 1000) / totalMs : 0,
    describe(): string {
      const parts = Object.entries(byProcess).map(([name, ms]) => `${name} ${ms.toFixed(1)}`);
      return (
        `${totalMs.toFixed(1)} ms of CPU per complaint (${parts.join(', ')}), ` +
        `${this.dynamoCalls.toFixed(1)} DynamoDB calls: ${cores} cores carry at most ${this.ceilingPerSecond.toFixed(0)} a second`
      );
    },
  };
}
