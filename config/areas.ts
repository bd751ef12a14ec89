/**
 * The company's areas, each with its own management office (各區管理處) and supervisor.
 * `calendar` picks the public holidays and working days of the business calendar.
 */
export interface AreaSpec {
  readonly id: string;
  /** Prefix of the area's complaint reference numbers. */
  readonly code: string;
  readonly name: { readonly en: string; readonly zhHant: string; readonly zhHans: string };
  /** date-holidays country (and state) code: HK by default; TW and CN are supported. */
  readonly calendar: 'HK' | 'TW' | 'CN';
}

export const AREAS: readonly AreaSpec[] = [
  {
    id: 'kowloon-east',
    code: 'KE',
    name: { en: 'Kowloon East', zhHant: '九龍東', zhHans: '九龙东' },
    calendar: 'HK',
  },
  {
    id: 'hk-island',
    code: 'HKI',
    name: { en: 'Hong Kong Island', zhHant: '港島', zhHans: '港岛' },
    calendar: 'HK',
  },
];

export function areaById(id: string): AreaSpec | undefined {
  return AREAS.find((area) => area.id === id);
}
