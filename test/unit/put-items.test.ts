import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * putItems (lambdas/adapters/clients.ts) writes lines that go together in one BatchWriteItem.
 * DynamoDB may accept such a request and leave some of its items unprocessed (throttled one by
 * one): those must be written again, or a correspondence or audit line would be silently lost.
 * A stand-in DynamoDB on 127.0.0.1 leaves the first request's last item unprocessed.
 */
let server: Server;
const requests: { target: string; body: Record<string, unknown> }[] = [];
const unprocessedOnFirst = true;

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    request.on('end', () => {
      const body = JSON.parse(text) as { RequestItems: Record<string, unknown[]> };
      requests.push({ target: String(request.headers['x-amz-target']), body });
      const [table, items] = Object.entries(body.RequestItems)[0] ?? ['', []];
      const unprocessed = unprocessedOnFirst && requests.length === 1 ? { [table]: items.slice(-1) } : {};
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ UnprocessedItems: unprocessed }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('putItems', () => {
  it('writes the items in one request, and again whatever DynamoDB left unprocessed', async () => {
    const { putItems } = await import('#adapters/clients.ts');
    await putItems('complaints', [
      { PK: 'C#KE-2611-0001', SK: 'MAIL#OUT#owner:acknowledgement:0', type: 'mail' },
      {
        PK: 'C#KE-2611-0001',
        SK: 'EVENT#2026-11-27T09:00:00.000Z#owner-acknowledgement-sent.0',
        type: 'event',
      },
    ]);
    expect(requests.map((r) => r.target)).toEqual([
      'DynamoDB_20120810.BatchWriteItem',
      'DynamoDB_20120810.BatchWriteItem',
    ]);
    expect(requests[0]?.body.RequestItems).toMatchObject({ complaints: [{}, {}] });
    // Only the event, left unprocessed, is written again.
    expect(requests[1]?.body.RequestItems).toEqual({
      complaints: [
        {
          PutRequest: {
            Item: {
              PK: { S: 'C#KE-2611-0001' },
              SK: { S: 'EVENT#2026-11-27T09:00:00.000Z#owner-acknowledgement-sent.0' },
              type: { S: 'event' },
            },
          },
        },
      ],
    });
  });

  it('refuses more items than one BatchWriteItem takes, before writing any', async () => {
    const { putItems } = await import('#adapters/clients.ts');
    requests.length = 0;
    const items = Array.from({ length: 26 }, (_unused, i) => ({ PK: `C#X-${i}`, SK: 'RECORD' }));
    await expect(putItems('complaints', items)).rejects.toThrow('at most 25 items at once, not 26');
    expect(requests).toHaveLength(0);
  });

  it('refuses an item over 400 KB before sending anything, as do putItem and writeIfCondition', async () => {
    const { putItem, putItems, writeIfCondition } = await import('#adapters/clients.ts');
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    requests.length = 0;
    // 7 bytes of names and keys, and 409,594 of text: one byte over the limit.
    const oversize = { PK: 'P', SK: 'S', t: `${'滲'.repeat(136_531)}a` };
    const small = { PK: 'P', SK: 'S2' };
    await expect(putItems('complaints', [small, oversize])).rejects.toMatchObject({
      name: 'ItemTooLargeError',
      bytes: 409_601,
    });
    await expect(putItem({ TableName: 'complaints', Item: oversize })).rejects.toMatchObject({
      name: 'ItemTooLargeError',
    });
    await expect(
      writeIfCondition(new PutCommand({ TableName: 'complaints', Item: oversize })),
    ).rejects.toMatchObject({ name: 'ItemTooLargeError' });
    expect(requests).toHaveLength(0);
  });
});
