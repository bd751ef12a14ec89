import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailLogPk, mailLogSk } from '#domain/keys.ts';
import { mailIdOf } from '#domain/mail/intake.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';

/**
 * `GET /api/mail?day=` comes in pages: a day held 379 messages and the list stopped at 200 with
 * no way on. Every message of the day comes once across the pages, in the reader's areas only,
 * and a nextToken that was not ours is a 400.
 */
let t: TestStack;
let api: ReturnType<typeof staffClient>;
const DAY = '2026-11-03';
const COUNT = 379;

beforeAll(async () => {
  t = await startTestStack();
  api = staffClient(t);
  const items = Array.from({ length: COUNT }, (_, i) => {
    const receivedAt = new Date(Date.parse(`${DAY}T00:00:00.000Z`) + i * 137_000).toISOString();
    const sesMessageId = `paging${String((i * 7919) % 100_000).padStart(6, '0')}x${i}`;
    return {
      PK: mailLogPk(receivedAt),
      SK: mailLogSk(sesMessageId),
      type: 'mail-log',
      id: mailIdOf(receivedAt, sesMessageId),
      sesMessageId,
      receivedAt,
      area: i % 3 === 0 ? 'hk-island' : 'kowloon-east',
      outcome: 'auto-reply',
      from: `owner${i}@example.com`,
      subject: `自動回覆 ${i}`,
      rawMessage: { bucket: 'raw', key: `incoming/${sesMessageId}`, bytes: 100 },
    };
  });
  for (let i = 0; i < items.length; i += 25) {
    await t.db.send(
      new BatchWriteCommand({
        RequestItems: {
          [t.stack.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
        },
      }),
    );
  }
});
afterAll(async () => {
  await t?.stop();
});

async function everyPage(username: string, limit: number) {
  const ids: string[] = [];
  let pages = 0;
  let token: string | undefined;
  do {
    const answer = await api.get<{ items: { id: string; area: string }[]; nextToken?: string }>(
      username,
      `/api/mail?day=${DAY}&limit=${limit}${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...answer.body.items.map((item) => item.id));
    token = answer.body.nextToken;
    pages += 1;
  } while (token && pages < 50);
  return { ids, pages };
}

describe('a day’s mail log', () => {
  it('comes whole across pages, each message once', async () => {
    const { ids, pages } = await everyPage('customer-service.kowloon-east', 200);
    expect(new Set(ids).size).toBe(COUNT);
    expect(ids.length).toBe(COUNT);
    expect(pages).toBeGreaterThanOrEqual(2);
  });

  it('pages only the reader’s area', async () => {
    const { ids } = await everyPage('supervisor.hk-island', 50);
    expect(ids.length).toBe(Math.ceil(COUNT / 3));
  });

  it('refuses an edited nextToken, another day’s, or one without a day, with a 400 on nextToken', async () => {
    const first = await api.get<{ nextToken: string }>(
      'customer-service.kowloon-east',
      `/api/mail?day=${DAY}&limit=10`,
    );
    const token = first.body.nextToken;
    expect(token).toEqual(expect.any(String));
    for (const path of [
      `/api/mail?day=${DAY}&nextToken=${encodeURIComponent(`x${token.slice(1)}`)}`,
      `/api/mail?day=2026-11-04&nextToken=${encodeURIComponent(token)}`,
      `/api/mail?status=held&nextToken=${encodeURIComponent(token)}`,
      `/api/mail?day=${DAY}&nextToken=${Buffer.from(JSON.stringify({ PK: 'C#KE-1', SK: 'RECORD' })).toString('base64url')}`,
    ]) {
      const answer = await api.get('customer-service.kowloon-east', path);
      expect(answer.status, path).toBe(400);
      expect(answer.body.errors, path).toEqual([{ field: 'nextToken', message: expect.any(String) }]);
    }
  });
});
