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
const CORRECTED_PHONE = '+852 6111 2233';
const DIALLED = '+852 6333 4455';

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
    // A correction of the owner's contact and an internal note: the values, the reason and the
    // note's words are the owner's, and stay out of the log too.
    const corrected = await api.post(
      'reception.kowloon-east',
      `/api/complaints/${created.body.ref}/corrections`,
      {
        version: 0,
        reason: `${OWNER.name}來電更正`,
        changes: {
          ownerPhone: CORRECTED_PHONE,
          secondContactName: '歐陽先生',
          secondContactEmail: 'ouyang.sin@example.com',
        },
      },
    );
    expect(corrected.status).toBe(200);
    const noted = await api.post('followup.kowloon-east', `/api/complaints/${created.body.ref}/notes`, {
      text: `已致電${OWNER.name}，${CONTENT}`,
    });
    expect(noted.status).toBe(201);

    // A call to an owner who gave only a phone: the number dialled and what was said stay out too.
    const calling = t.nextTask();
    const phoneOnly = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
      channel: 'phone',
      area: 'kowloon-east',
      owner: { name: OWNER.name, phone: OWNER.phone },
      content: CONTENT,
      checklist: { requestClarified: true },
    });
    expect(phoneOnly.status).toBe(201);
    await calling;
    const receptionTasks = await api.get<{ items: { id: string; ref: string }[] }>(
      'reception.kowloon-east',
      '/api/tasks',
    );
    const call = receptionTasks.body.items.find((i) => i.ref === phoneOnly.body.ref);
    const called = await api.post(
      'reception.kowloon-east',
      `/api/tasks/${encodeURIComponent(String(call?.id))}/calls`,
      {
        number: DIALLED,
        result: 'reached',
        notes: `${OWNER.name}表示明白，${CONTENT}`,
      },
    );
    expect(called.status).toBe(201);

    const logged = lines.join('');
    // The handlers did log: the test would pass vacuously otherwise.
    expect(logged).toContain(created.body.ref);
    expect(logged).toContain('"level":"INFO"');
    expect(logged).toContain('Complaint record corrected');
    expect(logged).toContain('Call logged');
    for (const secret of [
      OWNER.name,
      OWNER.phone,
      OWNER.email,
      '6789 0123',
      CONTENT.slice(0, 6),
      CORRECTED_PHONE,
      DIALLED,
      '6333 4455',
      '歐陽先生',
      'ouyang.sin',
    ]) {
      expect(logged, secret).not.toContain(secret);
    }
  });
});
