import { describe, expect, it } from 'vitest';
import { asksToWithdraw } from '#domain/mail/withdrawal.ts';

describe('an owner’s reply that withdraws the complaint', () => {
  it.each([
    '我要求撤回投訴',
    '我要撤回投訴',
    '您好，\n本人現決定撤銷此投訴，樓上已維修。',
    '撤回投诉',
    '请撤销我的投诉，谢谢',
    '請撤回我的投訴',
    '我想取消這個投訴',
    'Dear Sir,\nI would like to withdraw my complaint.',
    'Please cancel my complaint',
    'I withdraw my complaint.',
    'I hereby withdraw my complaint',
  ])('withdraws: %j', (text) => {
    expect(asksToWithdraw(text)).toBe(true);
  });

  it.each([
    '我不想撤回投訴',
    '請問如果我撤回投訴，會有什麼影響？',
    'Should I withdraw my complaint?',
    '樓上仍然漏水\n我要求撤回投訴',
    '撤回',
    'I will not withdraw my complaint',
    '',
  ])('does not: %j', (text) => {
    expect(asksToWithdraw(text)).toBe(false);
  });
});
