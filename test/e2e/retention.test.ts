import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '#config/functions.ts';
import { invokeLocal, type LocalHandler } from '../../local/runtime/lambda-runtime.ts';
import { type BrowserPages, screenshot, signInAs } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';

/**
 * A complaint whose owner's personal data retention erased (issue 16 §6), as staff open it in
 * Chromium: the complaint page and Form 17 say it was erased and show no owner, instead of
 * breaking on a record without contacts or content.
 */
const e2e = browserStackPerFile();
let t: TestStack;
let base: string;
let api: BrowserStack['api'];
let pages: BrowserPages;
let ref: string;
const OWNER = '馬家輝';

beforeAll(async () => {
  ({ t, base, api, pages } = e2e);
  const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
    channel: 'phone',
    area: 'kowloon-east',
    owner: { name: OWNER, phone: '+852 9000 1234', email: 'ma.kafai@example.com' },
    content: '大堂升降機經常停頓。',
    category: 'facilities',
    checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  ref = created.body.ref;
  await t.stopRunningExecutions();
  await t.db.send(
    new UpdateCommand({
      TableName: t.stack.tableName,
      Key: { PK: `C#${ref}`, SK: 'RECORD' },
      UpdateExpression: 'SET #status = :closed, currentStep = :filed, filed = :signature',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':closed': 'closed',
        ':filed': 'filed',
        ':signature': { by: 'clerk.kowloon-east', role: 'clerk', at: new Date().toISOString() },
      },
    }),
  );
  const { handler } = (await import('../../lambdas/run-retention.ts')) as { handler: LocalHandler };
  const run = (await invokeLocal(handler, FUNCTIONS.runRetention.id, {
    scheduledTime: new Date(Date.now() + (3 * 365 + 31) * 86_400_000).toISOString(),
  })) as { due: { ref: string; erased: boolean }[] };
  expect(run.due).toContainEqual(expect.objectContaining({ ref, erased: true }));
});

describe('a complaint erased under retention', () => {
  it('shows as erased on the complaint page and on Form 17, with no owner’s name or words', async () => {
    const page = await pages.fresh('en-US');
    await signInAs(page, base, 'supervisor.kowloon-east', `/complaints/${ref}`);
    await page.getByLabel('語言').selectOption('en');
    const notice = page.getByTestId('personal-data-erased');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/personal data was erased on .*3 years after filing/);
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).toContain('Erased (retention)');
    expect(body).not.toContain(OWNER);
    expect(body).not.toContain('升降機');
    await screenshot(page, 'retention-01-complaint-erased');

    await page.goto(`${base}/complaints/${encodeURIComponent(ref)}/form17`);
    await page.getByTestId('form17').waitFor();
    await page.getByTestId('personal-data-erased').waitFor();
    const form = (await page.getByTestId('form17').textContent()) ?? '';
    expect(form).toContain(ref);
    expect(form).toContain('Erased (retention)');
    expect(form).not.toContain(OWNER);
    await screenshot(page, 'retention-02-form17-erased');
  });
});
