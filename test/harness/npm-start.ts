import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../local/stack.ts';

/** Every port of the local stack left to the system: tests run beside each other. */
export const FREE_PORTS = {
  PORT: '0',
  SMTP_PORT: '0',
  SES_PORT: '0',
  DYNAMODB_PORT: '0',
  S3_PORT: '0',
  SFN_PORT: '0',
};

export interface LocalStart {
  readonly child: ChildProcess;
  /** Resolves with what it printed once it says it is up; rejects if it exits first. */
  readonly ready: Promise<string>;
  readonly exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
}

/**
 * `npm start` as a person runs it (`node local/cli/start.ts`, the script npm runs): a real process
 * on `dataDir`, its output collected. The caller kills what it started (`children`).
 */
export function startLocalStart(options: {
  readonly dataDir: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly children: Set<ChildProcess>;
}): LocalStart {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'local/cli/start.ts'), ...(options.args ?? [])], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...FREE_PORTS, LOCAL_DATA_DIR: options.dataDir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', () => {
      if (stdout.includes('Press Ctrl-C to stop.')) resolve(stdout);
    });
    void exited.then((code) => reject(new Error(`npm start exited ${code}:\n${stdout}${stderr}`)));
  });
  // Tests of failed starts await `exited`, not `ready`; its rejection is expected there.
  ready.catch(() => undefined);
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

/** A URL `npm start` printed after its label (`Web app`, `API`, `DynamoDB`...). */
export function urlOf(stdout: string, label: string): string {
  const match = new RegExp(`${label}\\s+(\\S+)`).exec(stdout);
  if (!match?.[1]) throw new Error(`${label} not printed:\n${stdout}`);
  return match[1];
}
