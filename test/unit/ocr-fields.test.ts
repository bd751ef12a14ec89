import { describe, expect, it } from 'vitest';
import { type OcrLine, suggestFields } from '#domain/ocr/fields.ts';
import { inPageScript } from '#domain/ocr/script.ts';
import { characterErrors, normaliseForComparison, phoneDigits } from '#domain/ocr/text.ts';

const line = (text: string, confidence = 0.95, top = 0): OcrLine => ({
  text,
  confidence,
  region: { left: 100, top, width: 400, height: 40 },
});
const page = (...texts: string[]): OcrLine[] => texts.map((t, i) => line(t, 0.95, i * 60));

describe('the fields a clerk types, from a faxed letter', () => {
  it('takes each labelled field of a Traditional letter, with its confidence and region', () => {
    const s = suggestFields([
      page(
        '致：物業管理處',
        '投訴信',
        '業主姓名：陳美玲',
        '聯絡電話：9123 4567',
        '大廈：海濱花園第三座',
        '單位：12樓B室',
        '投訴內容：',
        '浴室天花板近日不斷滲水，',
        '請盡快派人檢查。',
        '此致',
        '業主 陳美玲',
      ),
    ]);
    expect(s.ownerName?.value).toBe('陳美玲');
    expect(s.phone?.value).toBe('9123 4567');
    expect(s.building?.value).toBe('海濱花園第三座');
    expect(s.unit?.value).toBe('12樓B室');
    expect(s.content?.value).toBe('浴室天花板近日不斷滲水，\n請盡快派人檢查。');
    expect(s.phone?.region.top).toBe(180);
    expect(s.phone?.page).toBe(0);
    expect(s.ownerName?.confidence).toBe(0.95);
  });

  it('reads Simplified labels and a mainland number with +86, the colon full or half width', () => {
    const s = suggestFields([
      page(
        '业主姓名:王建国',
        '联系电话：+86 139 2233 4455',
        '楼栋：阳光花园二期',
        '单元：6栋1502室',
        '投诉内容：厨房下水道堵塞三天',
      ),
    ]);
    expect(s.ownerName?.value).toBe('王建国');
    expect(s.phone?.value).toBe('+86 139 2233 4455');
    expect(s.building?.value).toBe('阳光花园二期');
    expect(s.unit?.value).toBe('6栋1502室');
    expect(s.content?.value).toBe('厨房下水道堵塞三天');
  });

  it('finds a phone, flat and estate without labels, on a later page', () => {
    const s = suggestFields([
      page('您好'),
      page('我住在翠林閣二座8樓C室，電梯壞了三天。', '請致電 +852 6234 8899 聯絡我'),
    ]);
    expect(s.phone?.value).toBe('+852 6234 8899');
    expect(s.phone?.page).toBe(1);
    expect(s.unit?.value).toBe('8樓C室');
    expect(s.building?.value).toBe('翠林閣二座');
  });

  it('suggests nothing from lines read with little confidence', () => {
    const s = suggestFields([[line('業主姓名：陳美玲', 0.3), line('聯絡電話：9123 4567', 0.2)]]);
    expect(s.ownerName).toBeUndefined();
    expect(s.phone).toBeUndefined();
  });

  it('takes no phone from a number too short or too long to be one', () => {
    expect(suggestFields([page('電話：1234 567')]).phone).toBeUndefined();
    expect(suggestFields([page('編號 912345678901')]).phone).toBeUndefined();
  });
});

describe('how recognised text is scored', () => {
  it('ignores whitespace, punctuation and full/half width (NFKC)', () => {
    expect(normaliseForComparison('聯絡電話： ９１２３ ４５６７。')).toBe('聯絡電話91234567');
    expect(characterErrors('致:物業管理處', '致：物業管理處')).toEqual({ errors: 0, length: 6 });
  });

  it('counts a missing and a wrong character', () => {
    expect(characterErrors('投信', '投訴信')).toEqual({ errors: 1, length: 3 });
    expect(characterErrors('大厦', '大廈')).toEqual({ errors: 1, length: 2 });
  });

  it('compares phones by their national number', () => {
    expect(phoneDigits('+852 9123 4567')).toBe(phoneDigits('91234567'));
    expect(phoneDigits('+86 139-2233-4455')).toBe('13922334455');
    expect(phoneDigits('020 8765 4321')).toBe('02087654321');
  });
});

describe('the page in its own script', () => {
  it('turns Simplified forms read on a Traditional letter into Hong Kong Traditional', () => {
    const lines = inPageScript([
      { text: '聯絡電话：9123 4567' },
      { text: '大厦：海濱花園第三座' },
      { text: '懷疑楼上單位喉管破裂' },
    ]);
    expect(lines.map((l) => l.text)).toEqual([
      '聯絡電話：9123 4567',
      '大廈：海濱花園第三座',
      '懷疑樓上單位喉管破裂',
    ]);
  });

  it('leaves a Simplified letter as it was read', () => {
    const lines = [{ text: '联系电话：138 1234 5678' }, { text: '厨房下水道堵塞三天，污水倒流到地面' }];
    expect(inPageScript(lines)).toEqual(lines);
  });
});
