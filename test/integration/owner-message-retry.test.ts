import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerMessageFingerprint, STALE_CLAIM_MS } from '#domain/owner-message.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { type OutboxEmail, outbox, staffClient } from '../harness/staff-client.ts';

/**
 * Writing to the owner when sending fails or is interrupted, on the local stack: SES refusing
 * the email (every attempt, the SDK's retries too) leaves nothing on the complaint and lets the
 * same submission be sent again, once; an attempt that died after claiming its submission is
 * taken over after STALE_CLAIM_MS with the same Message-ID; one still sending is waited for.
 */
const REF = 'KE-2611-0501';
const OWNER = 'ng.wai@example.com';
const SENDER = 'reception.kowloon-east';
let sesFails = false;
let t: TestStack;
let api: ReturnType<typeof staffClient>;

beforeAll(async () => {
  t = await startTestStack({ faults: { rate: 1, seed: 15, services: ['ses'], when: () => sesFails } });
  api = staffClient(t);
  await t.putComplaint(REF, 'kowloon-east', { owner: { name: '吳偉', email: OWNER } });
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const header = (email: OutboxEmail, name: string) =>
  email.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
const toOwner = async () => (await outbox(t)).filter((e) => e.destination.to.includes(OWNER));
const send = (body: Record<string, unknown>) =>
  api.post<{ message?: { key: string; messageId: string } }>(SENDER, `/api/complaints/${REF}/messages`, body);
const claimKey = (submissionId: string) => ({
  PK: `OWNERMSG#${REF}#${SENDER}#${submissionId}`,
  SK: 'OWNERMSG',
});
const claimOf = async (submissionId: string) =>
  (await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: claimKey(submissionId) }))).Item;
const staffLines = async () =>
  (await t.complaintItems(REF)).filter((i) => i.type === 'mail' && i.kind === 'staff-message');

describe('writing to the owner when sending fails', () => {
  it('records nothing when SES refuses the email, and sends it once when the same submission is sent again', async () => {
    const message = { subject: 'Re: 門鐘', text: '明天會派人更換門鐘。', submissionId: randomUUID() };
    sesFails = true;
    const refused = await send(message);
    sesFails = false;
    expect(refused.status).toBe(500);
    expect(t.faults().injected.ses).not.toEqual({});
    expect(await toOwner()).toEqual([]);
    expect(await staffLines()).toEqual([]);
    expect((await t.complaintItems(REF)).filter((i) => i.type === 'event')).toEqual([]);
    expect((await claimOf(message.submissionId))?.status).toBe('failed');

    const retried = await send(message);
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    const again = await send(message);
    expect(again.body.message?.key).toBe(retried.body.message?.key);
    expect(await toOwner()).toHaveLength(1);
    expect(await staffLines()).toHaveLength(1);
    expect((await claimOf(message.submissionId))?.status).toBe('sent');
  });

  it('takes over an attempt that died after claiming, with the Message-ID it chose', async () => {
    const message = { text: '上次的電郵未能寄出，現再寄一次。', submissionId: randomUUID() };
    const messageId = `${REF}.${randomUUID()}@estate.example`;
    const died = new Date(Date.now() - STALE_CLAIM_MS - 1000).toISOString();
    await t.db.send(
      new PutCommand({
        TableName: t.stack.tableName,
        Item: {
          ...claimKey(message.submissionId),
          type: 'owner-message-claim',
          ref: REF,
          by: SENDER,
          submissionId: message.submissionId,
          fingerprint: ownerMessageFingerprint(REF, message),
          status: 'sending',
          claimedAt: died,
          messageId,
        },
      }),
    );
    const before = (await toOwner()).length;
    const answer = await send(message);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body.message?.messageId).toBe(messageId);
    const sent = (await toOwner()).slice(before);
    expect(sent.map((e) => header(e, 'Message-ID'))).toEqual([`<${messageId}>`]);
  });

  it('waits for a request still sending the same submission, and answers with what it sent', async () => {
    const message = { text: '同時按了兩次。', submissionId: randomUUID() };
    const claimedAt = new Date().toISOString();
    await t.db.send(
      new PutCommand({
        TableName: t.stack.tableName,
        Item: {
          ...claimKey(message.submissionId),
          type: 'owner-message-claim',
          ref: REF,
          by: SENDER,
          submissionId: message.submissionId,
          fingerprint: ownerMessageFingerprint(REF, message),
          status: 'sending',
          claimedAt,
          messageId: `${REF}.${randomUUID()}@estate.example`,
        },
      }),
    );
    const before = (await toOwner()).length;
    const waiting = send(message);
    // The other request finishes a moment later.
    await new Promise((resolve) => setTimeout(resolve, 700));
    await t.db.send(
      new UpdateCommand({
        TableName: t.stack.tableName,
        Key: claimKey(message.submissionId),
        UpdateExpression: 'SET #status = :sent, line = :line',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':sent': 'sent',
          ':line': { key: 'the-other-request', kind: 'staff-message' },
        },
      }),
    );
    const answer = await waiting;
    expect(answer.status).toBe(201);
    expect(answer.body.message?.key).toBe('the-other-request');
    expect((await toOwner()).length).toBe(before);
  });
});
