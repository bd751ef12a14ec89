import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RegisterUnitRef } from '#domain/complaint.ts';
import { openComplaint } from '#services/open-complaint.ts';
import { type BrowserPages, screenshot, signInAs } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';

/**
 * Repeat complaints and estate statistics in Chromium against the whole local stack: the
 * supervisor's review of a unit's second complaint about a water leak shows it flagged a repeat
 * with the first listed (繁體, then English), Form 17 says so; customer service makes an
 * estate's yearly statistics from the Reports page (简体), opens the printable page and gets the
 * CSV. Complaints are opened with their register unit as intake's routing opens them.
 * Screenshots go to test-artifacts/screenshots/.
 */
const e2e = browserStackPerFile();
let t: TestStack;
let base: string;
let api: BrowserStack['api'];
let page: Page;
let pages: BrowserPages;
beforeAll(() => {
  ({ t, base, api, pages } = e2e);
});

const ESTATE = 'e2e-harbour';
const UNIT: RegisterUnitRef = {
  id: `${ESTATE}.3.12-B`,
  estateId: ESTATE,
  estate: '海港花園',
  buildingCode: '3',
  building: '第三座',
  unit: '12樓B室',
};

async function open(
  receivedAt: Date,
  unit: RegisterUnitRef = UNIT,
  category: 'water-leak' | 'facilities' | null = 'water-leak',
) {
  const record = await openComplaint(
    { table: t.stack.tableName, stateMachineArn: t.stack.stateMachineArn },
    {
      channel: 'phone',
      area: 'kowloon-east',
      owner: { name: '李美玲', phone: '+852 9876 5432' },
      content: '浴室天花板又再漏水。',
      ...(category ? { category } : {}),
      building: unit.building,
      unit: unit.unit,
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    },
    { by: 'reception.kowloon-east', role: 'reception', at: receivedAt.toISOString() },
    { extra: { registerUnit: unit } },
  );
  return record.ref;
}

describe('a repeat on the supervisor’s review', () => {
  it('shows the second complaint of a unit flagged a repeat, with the first listed, in Chinese and English, and on Form 17', async () => {
    const first = await open(new Date(Date.now() - 20 * 86_400_000));
    const waitingTask = t.recordTasks();
    const second = await open(new Date());
    expect((await waitingTask(second)).stateName).toBe('Supervisor review');

    // My tasks: the review's row says it is a repeat.
    page = await pages.fresh();
    await signInAs(page, base, 'supervisor.kowloon-east', '/tasks');
    const row = page.locator(`tr[data-ref="${second}"]`);
    await row.waitFor();
    expect(await row.getByTestId('task-repeat').textContent()).toBe('重複投訴');

    await page.goto(`${base}/complaints/${second}`);
    await page.getByRole('heading', { name: `投訴 ${second}` }).waitFor();
    const related = page.getByTestId('related');
    await related.waitFor();
    const flag = related.getByTestId('repeat-flag');
    expect(await flag.textContent()).toContain('重複投訴');
    expect(await flag.textContent()).toContain(first);
    const history = related.getByTestId('related-unit');
    expect(await history.getByRole('link', { name: first }).count()).toBe(1);
    expect(await history.textContent()).toContain('第三座 12樓B室');
    // The review's task is there to decide on, beside it.
    expect(await page.locator('.task-title').textContent()).toContain('您的工作');
    await screenshot(page, 'related-01-review-repeat-zh-Hant');

    await page.getByLabel('語言').selectOption('en');
    await expect.poll(() => related.getByTestId('repeat-flag').textContent()).toContain('Repeat');
    expect(await related.textContent()).toContain('Earlier complaints of this unit');
    expect(await related.textContent()).not.toMatch(/related\.|action\./);
    await screenshot(page, 'related-02-review-repeat-en');

    await page.goto(`${base}/complaints/${second}/form17`);
    await expect.poll(() => page.getByTestId('repeat-flag').textContent()).toContain(first);
    await screenshot(page, 'related-03-form17-en');
  });
});

describe('a repeat found as the supervisor gives the category', () => {
  it('an emailed complaint has no category yet: picking the first one’s shows it a repeat before the decision is sent', async () => {
    // An estate of its own: the statistics below count Harbour Gardens' complaints.
    const unit: RegisterUnitRef = {
      id: 'e2e-hillside.1.15-A',
      estateId: 'e2e-hillside',
      estate: '山景花園',
      buildingCode: '1',
      building: '第一座',
      unit: '15樓A室',
    };
    const first = await open(new Date(Date.now() - 5 * 86_400_000), unit, 'water-leak');
    const waitingTask = t.recordTasks();
    // As email intake opens it: the unit known from the sender, no category.
    const second = await open(new Date(), unit, null);
    expect((await waitingTask(second)).stateName).toBe('Supervisor review');

    page = await pages.fresh();
    await signInAs(page, base, 'supervisor.kowloon-east', `/complaints/${second}`);
    const related = page.getByTestId('related');
    await related.waitFor();
    expect(await related.getByTestId('repeat-flag').count()).toBe(0);
    // The review's form (the page's Edit record form has a category too).
    const review = page.locator('form.decision');
    await review.getByLabel('類別').selectOption('water-leak');
    const hint = related.getByTestId('repeat-as-chosen');
    await expect.poll(() => hint.textContent()).toContain(first);
    expect(await hint.textContent()).toContain(
      '按您所選的類別「滲水漏水」：同一單位於 90 日內曾就同類問題投訴',
    );
    await screenshot(page, 'related-04-repeat-as-chosen-zh-Hant');
    // Another category: no repeat.
    await review.getByLabel('類別').selectOption('noise');
    await expect.poll(() => hint.count()).toBe(0);
    // Signed with the first one's category: flagged for good.
    await review.getByLabel('類別').selectOption('water-leak');
    await review.getByLabel('處理意見').fill('安排工程部檢查');
    await review.getByLabel('負責部門').selectOption('engineering');
    await review.getByRole('button', { name: '提交' }).click();
    await expect
      .poll(
        async () =>
          (
            await api.get<{ relatedFlags?: { repeatOf?: string[] } }>(
              'supervisor.kowloon-east',
              `/api/complaints/${second}`,
            )
          ).body.relatedFlags?.repeatOf,
      )
      .toEqual([first]);
  });
});

describe('a cluster on the complaint page and in the plan', () => {
  it('three units of one building about a lift: flagged on the third, drafted on the rectification plan', async () => {
    const flat = (f: string): RegisterUnitRef => ({ ...UNIT, id: `${ESTATE}.3.8-${f}`, unit: `8樓${f}室` });
    await open(new Date(Date.now() - 2 * 86_400_000), flat('A'), 'facilities');
    await open(new Date(Date.now() - 86_400_000), flat('B'), 'facilities');
    const third = await open(new Date(), flat('C'), 'facilities');

    page = await pages.fresh();
    await signInAs(page, base, 'supervisor.kowloon-east', `/complaints/${third}`);
    const flag = page.getByTestId('cluster-flag');
    await flag.waitFor();
    expect(await flag.textContent()).toContain('同座 3 個單位於 14 日內就同類問題投訴');
    expect(await page.getByTestId('related-building').locator('tbody tr').count()).toBe(2);
    await screenshot(page, 'related-06-cluster-zh-Hant');

    page = await pages.fresh();
    await signInAs(page, base, 'customer-service.kowloon-east', '/rectifications');
    const card = page.getByTestId('rectification-item').filter({ hasText: '海港花園 第三座' });
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.locator('textarea').first().inputValue()).toContain('同座 3 個單位於 14 日內投訴');
    await screenshot(page, 'related-07-cluster-rectification');
  });
});

describe('estate statistics from the Reports page', () => {
  it('customer service makes an estate’s year, opens it to print and downloads the CSV', async () => {
    const estate = await api.post('supervisor.kowloon-east', '/api/directory/estates', {
      id: ESTATE,
      area: 'kowloon-east',
      name: { zhHant: '海港花園', zhHans: '海港花园', en: 'Harbour Gardens' },
      organisations: [
        { kind: 'owners-committee', name: { zhHant: '海港花園業主委員會' }, language: 'zh-Hans' },
      ],
    });
    expect(estate.status, JSON.stringify(estate.body)).toBe(201);
    expect(
      (
        await api.post('supervisor.kowloon-east', `/api/directory/estates/${ESTATE}/buildings`, {
          name: { zhHant: '第三座', en: 'Block 3' },
        })
      ).status,
    ).toBe(201);
    const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();

    page = await pages.fresh();
    await signInAs(page, base, 'customer-service.kowloon-east', '/reports');
    await page.getByLabel('語言', { exact: true }).selectOption('zh-Hans');
    const section = page.getByTestId('estate-statistics');
    await section.waitFor();
    // Nothing chosen: said at the field.
    await section.getByLabel('年份').fill('26');
    await section.getByRole('button', { name: '制作统计' }).click();
    await expect.poll(() => page.locator('#estate-stats-estate-error').textContent()).toBe('请选择小区');
    expect(await page.locator('#estate-stats-year-error').textContent()).toContain('四位数字');

    await section.getByLabel('小区').selectOption(ESTATE);
    await section.getByLabel('年份').fill(String(year));
    await section.getByRole('button', { name: '制作统计' }).click();
    const made = section.getByTestId('estate-statistics-made');
    await made.waitFor();
    // The five complaints above (those of this year: some may be last year's in early January).
    const counted = /海港花园 \d{4} 年：投诉 (\d+) 宗/.exec((await made.textContent()) ?? '');
    expect(Number(counted?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(counted?.[1])).toBeLessThanOrEqual(5);
    await screenshot(page, 'related-04-estate-statistics-zh-Hans');

    const csv = section.getByRole('link', { name: '下载 CSV' });
    expect(await csv.getAttribute('download')).toMatch(/\.zh-Hans\.csv$/);
    const [statistics] = await Promise.all([
      page.context().waitForEvent('page'),
      section.getByRole('link', { name: '打开（可打印为 PDF）' }).click(),
    ]);
    await statistics.waitForLoadState();
    expect(await statistics.title()).toBe(`海港花园 ${year} 年度投诉统计`);
    const text = (await statistics.textContent('body')) ?? '';
    expect(text).toContain('按楼栋');
    expect(text).not.toContain('李美玲');
    expect(text).not.toContain('9876');
    await statistics.emulateMedia({ media: 'print' });
    await screenshot(statistics, 'related-05-estate-statistics-print');
    await statistics.close();
  });
});
