import { readFileSync } from 'node:fs';
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

/** CPU milliseconds a process has used so far (all its threads); 0 where /proc cannot tell. */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, in parentheses): utime is the 14th
    // field of the line, stime the 15th, in clock ticks (100 a second on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

export async function sampleCpu(stack: LocalStack, extra: Record<string, number> = {}): Promise<CpuSample> {
  const pids: Record<string, number> = {
    'stack (API, SMTP, Step Functions, functions)': process.pid,
    dynamodb: stack.emulatorPids.dynamodb,
    's3 + ses': stack.emulatorPids.storage,
    ...extra,
  };
  const requests = await stack.dynamoRequests();
  return {
    at: performance.now(),
    ms: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuMs(pid)])),
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
