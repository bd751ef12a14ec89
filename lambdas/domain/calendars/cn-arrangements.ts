/**
 * The mainland's State Council arrangement of public holidays (节假日安排), year by year.
 *
 * `date-holidays` knows the statutory holidays of the mainland but not the yearly arrangement that the
 * General Office of the State Council publishes (国务院办公厅关于YYYY年部分节假日安排的通知): the extra
 * days off that bridge a holiday to a weekend, and the weekend days that become working days in exchange
 * (调休上班日). For a year listed here the CN business calendar uses this table alone; for any other year it
 * falls back to date-holidays, without make-up workdays.
 *
 * MAINTENANCE: the table must be extended every year when the notice for the following year is published
 * (usually in November), otherwise CN deadlines of the following year ignore the 调休 arrangement.
 * Copy the notice's ranges verbatim: every day of a `daysOff` range is a day off (weekends included), every
 * `makeUpWorkdays` date is a working day even though it falls on a weekend.
 */

/** A closed range of local dates (YYYY-MM-DD) that are days off, named after the holiday they belong to. */
export interface CnDaysOff {
  readonly from: string;
  readonly to: string;
  readonly name: string;
}

/** A weekend date (YYYY-MM-DD) worked in exchange for days off around the named holiday. */
export interface CnMakeUpWorkday {
  readonly date: string;
  readonly for: string;
}

export interface CnArrangement {
  /** The notice the data is copied from. */
  readonly source: string;
  readonly daysOff: readonly CnDaysOff[];
  readonly makeUpWorkdays: readonly CnMakeUpWorkday[];
}

export const CN_ARRANGEMENTS: Readonly<Record<number, CnArrangement>> = {
  2025: {
    source: '国务院办公厅关于2025年部分节假日安排的通知',
    daysOff: [
      { from: '2025-01-01', to: '2025-01-01', name: '元旦' },
      { from: '2025-01-28', to: '2025-02-04', name: '春节' },
      { from: '2025-04-04', to: '2025-04-06', name: '清明节' },
      { from: '2025-05-01', to: '2025-05-05', name: '劳动节' },
      { from: '2025-05-31', to: '2025-06-02', name: '端午节' },
      { from: '2025-10-01', to: '2025-10-08', name: '国庆节、中秋节' },
    ],
    makeUpWorkdays: [
      { date: '2025-01-26', for: '春节' },
      { date: '2025-02-08', for: '春节' },
      { date: '2025-04-27', for: '劳动节' },
      { date: '2025-09-28', for: '国庆节、中秋节' },
      { date: '2025-10-11', for: '国庆节、中秋节' },
    ],
  },
  2026: {
    source: '国务院办公厅关于2026年部分节假日安排的通知',
    daysOff: [
      { from: '2026-01-01', to: '2026-01-03', name: '元旦' },
      { from: '2026-02-15', to: '2026-02-23', name: '春节' },
      { from: '2026-04-04', to: '2026-04-06', name: '清明节' },
      { from: '2026-05-01', to: '2026-05-05', name: '劳动节' },
      { from: '2026-06-19', to: '2026-06-21', name: '端午节' },
      { from: '2026-09-25', to: '2026-09-27', name: '中秋节' },
      { from: '2026-10-01', to: '2026-10-07', name: '国庆节' },
    ],
    makeUpWorkdays: [
      { date: '2026-01-04', for: '元旦' },
      { date: '2026-02-14', for: '春节' },
      { date: '2026-02-28', for: '春节' },
      { date: '2026-05-09', for: '劳动节' },
      { date: '2026-09-20', for: '国庆节' },
      { date: '2026-10-10', for: '国庆节' },
    ],
  },
};

/** The years for which the CN calendar follows the State Council arrangement rather than date-holidays. */
export const CN_ARRANGEMENT_YEARS: readonly number[] = Object.keys(CN_ARRANGEMENTS)
  .map(Number)
  .sort((a, b) => a - b);
