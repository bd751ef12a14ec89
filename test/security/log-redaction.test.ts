import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';

/**
 * Owners' personal data stays out of the logs: a complaint is taken through its first steps
 * with every handler logging at DEBUG, and no line written carries the owner's name, phone,
 * email or words of the complaint.
 */
const OWNER = { name: '歐陽美玲', phone: '+852 6789 0123', email: 'ouyang.meiling@example.com' };
const CONTENT = '二樓平台漏水滴落到停車場入口';

let t: TestStack;
const lines: string[] = [];
const original = {
  stdout: process.stdout.write.bind(process.stdout),
  stderr: process.stderr.write.bind(process.stderr),
};

beforeAll(async () => {
  // Handlers are imported when the stack starts: they take this level at cold start.
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  const capture = (stream: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (original[stream] as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  t = await startTestStack();
});
afterAll(async () => {
  process.stdout.write = original.stdout;
  process.stderr.write = original.stderr;
  await t?.stop();
});

describe('logs', () => {
  it('carry references and ids but no owner name, phone, email or complaint text', async () => {
    const api = staffClient(t);
    const waiting = t.nextTask();
    const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
      channel: 'phone',
      area: 'kowloon-east',
      owner: OWNER,
      content: CONTENT,
      checklist: { requestClarified: true },
    });
    expect(created.status).toBe(201);
    await waiting;
    const tasks = await api.get<{ items: { id: string; ref: string }[] }>(
      'supervisor.kowloon-east',
      '/api/tasks',
    );
    const task = tasks.body.items.find((i) => i.ref === created.body.ref);
    const next = t.nextTask();
    await api.post('supervisor.kowloon-east', `/api/tasks/${encodeURIComponent(String(task?.id))}/complete`, {
      action: 'sign',
      opinion: `聯絡${OWNER.name}安排維修`,
      category: 'water-leak',
      department: 'engineering',
    });
    await next;

    const logged = lines.join('');
    // The handlers did log: the test would pass vacuously otherwise.
    expect(logged).toContain(created.body.ref);
    expect(logged).toContain('"level":"INFO"');
    for (const secret of [OWNER.name, OWNER.phone, OWNER.email, '6789 0123', CONTENT.slice(0, 6)]) {
      expect(logged, secret).not.toContain(secret);
    }
  });
});
