import type { CategoryId, DepartmentId } from './catalogue.ts';

/**
 * Category and department suggestion (issue 19 §3, lambdas/domain/triage/): the words that
 * start the model before the company has any signed history, the department each category
 * usually goes to, and the model's limits. The keywords are in the three scripts the
 * complaints come in (繁體, 简体, English); a keyword is read as a short document of its
 * category, so it counts as much as a few words of one signed complaint (`keywordWeight`).
 */
export const CATEGORY_KEYWORDS: Record<CategoryId, { zhHant: string[]; zhHans: string[]; en: string[] }> = {
  repairs: {
    zhHant: [
      '維修',
      '壞咗',
      '損壞',
      '失靈',
      '升降機',
      '電梯',
      '燈',
      '對講機',
      '門鎖',
      '電掣',
      '水壓',
      '跳掣',
    ],
    zhHans: ['维修', '坏了', '损坏', '失灵', '电梯', '灯', '对讲', '门禁', '门锁', '配电箱', '水压', '停电'],
    en: ['repair', 'broken', 'faulty', 'lift', 'elevator', 'light', 'intercom', 'lock', 'pressure', 'pump'],
  },
  'water-leak': {
    zhHant: ['滲水', '漏水', '滴水', '水漬', '爆喉', '喉管', '天花', '防水', '積水', '發霉'],
    zhHans: ['渗水', '漏水', '滴水', '水渍', '爆管', '水管', '天花板', '防水', '积水', '发霉'],
    en: ['leak', 'leaking', 'seepage', 'dripping', 'damp', 'pipe', 'burst', 'ceiling', 'water'],
  },
  cleanliness: {
    zhHant: ['清潔', '垃圾', '污糟', '骯髒', '臭', '打掃', '垃圾房', '糞', '嘔吐', '洗地'],
    zhHans: ['清洁', '保洁', '垃圾', '脏', '臭', '打扫', '垃圾桶', '狗屎', '烟头', '拖地'],
    en: ['dirty', 'filthy', 'rubbish', 'refuse', 'bins', 'clean', 'smell', 'litter', 'mess'],
  },
  security: {
    zhHant: ['保安', '陌生人', '爆竊', '偷', '閉路電視', '巡邏', '可疑', '撬', '訪客登記'],
    zhHans: ['保安', '陌生人', '盗窃', '偷', '监控', '巡逻', '可疑', '撬', '门岗'],
    en: ['security', 'guard', 'stranger', 'stolen', 'theft', 'cctv', 'burglary', 'patrol', 'tailgate'],
  },
  noise: {
    zhHant: ['噪音', '嘈', '裝修', '鑽牆', '打鑿', '派對', '吠', '瞓唔到', '聲'],
    zhHans: ['噪音', '吵', '装修', '电钻', '砸墙', '广场舞', '狗叫', '睡不着', '声音'],
    en: ['noise', 'noisy', 'loud', 'drilling', 'hammering', 'party', 'barking', 'music'],
  },
  parking: {
    zhHant: ['停車場', '車位', '泊車', '違泊', '車輛', '閘口', '消防通道', '電單車'],
    zhHans: ['停车', '车位', '车库', '乱停', '车辆', '道闸', '消防通道', '充电桩'],
    en: ['parking', 'parked', 'car', 'vehicle', 'van', 'space', 'barrier', 'driveway'],
  },
  facilities: {
    zhHant: ['會所', '健身室', '泳池', '遊樂場', '網球場', '燒烤場', '宴會廳', '預約'],
    zhHans: ['会所', '健身房', '游泳池', '游乐', '篮球场', '活动室', '健身器材', '预约'],
    en: ['clubhouse', 'gym', 'pool', 'playground', 'court', 'booking', 'function room', 'treadmill'],
  },
  landscaping: {
    zhHant: ['樹', '花園', '草地', '剪草', '修剪', '花槽', '園藝', '落葉', '植物'],
    zhHans: ['树', '绿化', '草坪', '杂草', '修剪', '花坛', '园林', '落叶', '灌木'],
    en: ['tree', 'trees', 'garden', 'grass', 'trim', 'plants', 'branches', 'lawn'],
  },
  pests: {
    zhHant: ['老鼠', '曱甴', '蚊', '白蟻', '蟲', '滅蟲', '黃蜂', '蛇', '野鴿'],
    zhHans: ['老鼠', '蟑螂', '蚊子', '白蚁', '虫', '消杀', '马蜂', '蛇', '鸽子'],
    en: ['rats', 'rat', 'mice', 'cockroaches', 'mosquitoes', 'termites', 'pest', 'wasp', 'snake'],
  },
  fees: {
    zhHant: ['管理費', '收據', '收費', '繳費', '附加費', '退款', '賬目', '維修基金', '多收'],
    zhHans: ['物业费', '发票', '收费', '缴费', '滞纳金', '退款', '明细', '维修基金', '多收'],
    en: ['fee', 'fees', 'charged', 'receipt', 'payment', 'refund', 'arrears', 'levy', 'invoice'],
  },
  'staff-conduct': {
    zhHant: ['態度', '職員', '粗口', '冇人回覆', '唔理', '收線', '瞓覺', '不專業'],
    zhHans: ['态度', '工作人员', '恶劣', '没人回', '不理', '敷衍', '睡觉', '吼'],
    en: ['rude', 'staff', 'attitude', 'shouted', 'ignored', 'asleep', 'unprofessional', 'never replies'],
  },
  other: {
    zhHant: ['查詢', '業主大會', '雜物', '通告', '申請', '吸煙', '民宿'],
    zhHans: ['请问', '业主大会', '杂物', '通知', '申请', '抽烟', '群租'],
    en: ['meeting', 'notice', 'enquiry', 'corridor', 'smoking', 'guesthouse'],
  },
};

/** Where a category's work usually goes: the keyword start's department. */
export const CATEGORY_DEPARTMENT: Record<CategoryId, DepartmentId> = {
  repairs: 'engineering',
  'water-leak': 'engineering',
  cleanliness: 'cleaning',
  security: 'security',
  noise: 'management-office',
  parking: 'security',
  facilities: 'management-office',
  landscaping: 'landscaping',
  pests: 'cleaning',
  fees: 'finance',
  'staff-conduct': 'management-office',
  other: 'management-office',
};

export const TRIAGE = {
  /**
   * How the text is cut into features: `char-ngrams` (Chinese characters one and two at a time,
   * English words) won the comparison against @node-rs/jieba's words (docs/triage.md).
   */
  tokenizer: 'char-ngrams',
  /** Each feature counted once per complaint (a word said three times is one piece of evidence). */
  binary: true,
  /** The confidence's temperature: the evidence divided by (features known)^this (domain/triage/model.ts rank). */
  confidencePower: 0.5,
  /** Laplace smoothing of the naive Bayes counts. */
  smoothing: 0.5,
  /** How many signed complaints one keyword counts as. */
  keywordWeight: 3,
  /** Features kept in the stored model, the most frequent first (the item stays well under 400 KB). */
  maxFeatures: 6000,
  /** Signed complaints read for training: this many months back from the run. */
  trainingMonths: 24,
  /** A suggestion below this confidence is still shown, marked as a weak one. */
  weakConfidence: 0.5,
  /**
   * When the model is retrained, daily, company time: EventBridge Scheduler deployed
   * (lib/constructs/triage-training.ts), the local scheduler in `npm start` (TRIAGE_TIME overrides).
   */
  time: '03:45',
} as const;
