import type { CnArrangement } from './cn-arrangements.ts';

/**
 * Taiwan's official office calendar (政府行政機關辦公日曆表), year by year, which private
 * employers such as property-management companies follow.
 *
 * `date-holidays` misses Taiwan's 補假 rule (a holiday on a Saturday is taken the Friday
 * before, on a Sunday the Monday after), the days the 2025 amendment of 紀念日及節日實施條例
 * added (教師節 9-28, 光復節 10-25, 行憲紀念日 12-25) and Labour Day, and lists observances
 * such as 農民節 that are not days off. For a year listed here the TW calendar uses this
 * table alone (same shape and rules as the mainland table); other years fall back to
 * date-holidays' public holidays.
 *
 * MAINTENANCE: add each year when the Executive Yuan publishes it (usually in June of the
 * year before). Sources: 行政院人事行政總處, 中華民國114年 / 115年政府行政機關辦公日曆表.
 */
export const TW_ARRANGEMENTS: Readonly<Record<number, CnArrangement>> = {
  2025: {
    source: '中華民國114年政府行政機關辦公日曆表 (with the 2025 amendment of 紀念日及節日實施條例)',
    daysOff: [
      { from: '2025-01-01', to: '2025-01-01', name: '開國紀念日' },
      { from: '2025-01-25', to: '2025-02-02', name: '農曆除夕及春節' },
      { from: '2025-02-28', to: '2025-03-02', name: '和平紀念日' },
      { from: '2025-04-03', to: '2025-04-06', name: '兒童節及民族掃墓節' },
      { from: '2025-05-01', to: '2025-05-01', name: '勞動節' },
      { from: '2025-05-30', to: '2025-06-01', name: '端午節' },
      { from: '2025-09-27', to: '2025-09-29', name: '教師節' },
      { from: '2025-10-04', to: '2025-10-06', name: '中秋節' },
      { from: '2025-10-10', to: '2025-10-12', name: '國慶日' },
      { from: '2025-10-24', to: '2025-10-26', name: '臺灣光復暨金門古寧頭大捷紀念日' },
      { from: '2025-12-25', to: '2025-12-25', name: '行憲紀念日' },
    ],
    makeUpWorkdays: [{ date: '2025-02-08', for: '農曆除夕前一日彈性放假' }],
  },
  2026: {
    source: '中華民國115年政府行政機關辦公日曆表',
    daysOff: [
      { from: '2026-01-01', to: '2026-01-01', name: '開國紀念日' },
      { from: '2026-02-14', to: '2026-02-22', name: '農曆除夕及春節' },
      { from: '2026-02-27', to: '2026-03-01', name: '和平紀念日' },
      { from: '2026-04-03', to: '2026-04-06', name: '兒童節及清明節' },
      { from: '2026-05-01', to: '2026-05-03', name: '勞動節' },
      { from: '2026-06-19', to: '2026-06-21', name: '端午節' },
      { from: '2026-09-25', to: '2026-09-28', name: '中秋節及教師節' },
      { from: '2026-10-09', to: '2026-10-11', name: '國慶日' },
      { from: '2026-10-24', to: '2026-10-26', name: '臺灣光復暨金門古寧頭大捷紀念日' },
      { from: '2026-12-25', to: '2026-12-27', name: '行憲紀念日' },
    ],
    makeUpWorkdays: [],
  },
};

export const TW_ARRANGEMENT_YEARS: readonly number[] = Object.keys(TW_ARRANGEMENTS).map(Number);
