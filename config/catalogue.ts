/**
 * Complaint categories, responsible departments and channels, with the names staff see.
 * Department addresses receive work orders; deployments set their own through configuration.
 */

/**
 * A name in the three languages of the app, the report and the emails. Names of what the API
 * returns by id (areas, categories, departments, channels, roles, steps, outcomes) are
 * written once, in config/; the web app's catalogues and the report read them from here.
 */
export interface Names {
  readonly en: string;
  readonly zhHant: string;
  readonly zhHans: string;
}

export interface Named extends Names {
  readonly id: string;
}

/** A table of names (by id) in one language. */
export function namesIn<K extends string>(names: Record<K, Names>, language: keyof Names): Record<K, string> {
  return Object.fromEntries(
    (Object.entries(names) as [K, Names][]).map(([id, name]) => [id, name[language]]),
  ) as Record<K, string>;
}

export const CATEGORIES = [
  { id: 'repairs', en: 'Repairs and maintenance', zhHant: '維修保養', zhHans: '维修保养' },
  { id: 'water-leak', en: 'Water leakage', zhHant: '滲水漏水', zhHans: '渗水漏水' },
  { id: 'cleanliness', en: 'Cleanliness', zhHant: '清潔衞生', zhHans: '清洁卫生' },
  { id: 'security', en: 'Security', zhHant: '保安', zhHans: '保安' },
  { id: 'noise', en: 'Noise', zhHant: '噪音', zhHans: '噪音' },
  { id: 'parking', en: 'Parking', zhHant: '停車', zhHans: '停车' },
  { id: 'facilities', en: 'Common facilities', zhHant: '公共設施', zhHans: '公共设施' },
  { id: 'landscaping', en: 'Landscaping', zhHant: '園藝綠化', zhHans: '园艺绿化' },
  { id: 'pests', en: 'Pests', zhHant: '蟲鼠', zhHans: '虫鼠' },
  { id: 'fees', en: 'Management fees', zhHant: '管理費', zhHans: '管理费' },
  { id: 'staff-conduct', en: 'Staff conduct', zhHant: '員工態度', zhHans: '员工态度' },
  { id: 'other', en: 'Other', zhHant: '其他', zhHans: '其他' },
] as const satisfies readonly Named[];

export type CategoryId = (typeof CATEGORIES)[number]['id'];
export const CATEGORY_IDS = CATEGORIES.map((c) => c.id) as [CategoryId, ...CategoryId[]];

export const DEPARTMENTS = [
  { id: 'engineering', en: 'Engineering', zhHant: '工程部', zhHans: '工程部' },
  { id: 'cleaning', en: 'Cleaning', zhHant: '清潔部', zhHans: '清洁部' },
  { id: 'security', en: 'Security', zhHant: '保安部', zhHans: '保安部' },
  { id: 'landscaping', en: 'Landscaping', zhHant: '園藝部', zhHans: '园艺部' },
  { id: 'finance', en: 'Finance', zhHant: '財務部', zhHans: '财务部' },
  { id: 'management-office', en: 'Management office', zhHant: '管理處', zhHans: '管理处' },
] as const satisfies readonly Named[];

export type DepartmentId = (typeof DEPARTMENTS)[number]['id'];
export const DEPARTMENT_IDS = DEPARTMENTS.map((d) => d.id) as [DepartmentId, ...DepartmentId[]];

export const CHANNELS = ['email', 'fax', 'letter', 'phone', 'walk-in'] as const;
export type Channel = (typeof CHANNELS)[number];

/** How a complaint came in. A walk-in is 面談 (面谈): the owner came to the office to talk it over. */
export const CHANNEL_NAMES: Record<Channel, Names> = {
  email: { en: 'Email', zhHant: '電子郵件', zhHans: '电子邮件' },
  fax: { en: 'Fax', zhHant: '傳真', zhHans: '传真' },
  letter: { en: 'Letter', zhHant: '信函', zhHans: '信函' },
  phone: { en: 'Phone', zhHant: '電話', zhHans: '电话' },
  'walk-in': { en: 'Walk-in', zhHant: '面談', zhHans: '面谈' },
};
