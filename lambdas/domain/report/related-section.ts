import type { Language, RegisterUnitRef } from '#domain/complaint.ts';
import { escapeHtml } from '#domain/mime.ts';
import type { RelatedFlags } from '#domain/related.ts';
import { areaName, categoryName } from './i18n.ts';

/**
 * Repeat and cluster complaints in the periodic report (issue 16 §4): how many of the period's
 * complaints were flagged a repeat, and each cluster (building and category) with the units
 * and complaints of it — from the flags the complaints were given when their unit or category
 * was set (domain/related.ts), read with the period's rows.
 */
export interface ReportRelated {
  /** Complaints of the period flagged a repeat, and some of their references. */
  readonly repeats: number;
  readonly repeatRefs: readonly string[];
  readonly clusters: readonly ReportCluster[];
}

export interface ReportCluster {
  readonly area: string;
  readonly estate: string;
  readonly building: string;
  readonly category: string;
  /** The most units the cluster counted, and the period's complaints flagged part of it. */
  readonly units: number;
  readonly complaints: number;
  readonly refs: readonly string[];
}

/** Rows as the report reads them: only the fields below. */
export interface RelatedRow {
  readonly ref: string;
  readonly area: string;
  readonly category?: string;
  readonly registerUnit?: Pick<RegisterUnitRef, 'estateId' | 'estate' | 'buildingCode' | 'building'>;
  readonly relatedFlags?: Pick<RelatedFlags, 'repeatOf' | 'cluster'>;
}

const LISTED = 20;

/** Counts the period's rows as they stream past (only what the section shows is kept). */
export class RelatedTally {
  private repeats = 0;
  private readonly repeatRefs: string[] = [];
  private readonly clusters = new Map<string, { cluster: Omit<ReportCluster, 'refs'>; refs: string[] }>();

  add(row: RelatedRow): void {
    const flags = row.relatedFlags;
    if (!flags) return;
    if (flags.repeatOf?.length) {
      this.repeats += 1;
      if (this.repeatRefs.length < LISTED) this.repeatRefs.push(row.ref);
    }
    const unit = row.registerUnit;
    if (flags.cluster && unit && row.category) {
      const key = `${unit.estateId}|${unit.buildingCode}|${row.category}`;
      const found = this.clusters.get(key) ?? {
        cluster: {
          area: row.area,
          estate: unit.estate,
          building: unit.building,
          category: row.category,
          units: 0,
          complaints: 0,
        },
        refs: [],
      };
      found.cluster = {
        ...found.cluster,
        units: Math.max(found.cluster.units, flags.cluster.units),
        complaints: found.cluster.complaints + 1,
      };
      if (found.refs.length < LISTED) found.refs.push(row.ref);
      this.clusters.set(key, found);
    }
  }

  result(): ReportRelated {
    return {
      repeats: this.repeats,
      repeatRefs: [...this.repeatRefs].sort(),
      clusters: [...this.clusters.values()]
        .map(({ cluster, refs }) => ({ ...cluster, refs: refs.sort() }))
        .sort(
          (a, b) => b.units - a.units || b.complaints - a.complaints || a.building.localeCompare(b.building),
        ),
    };
  }
}

const WORDS: Readonly<
  Record<
    Language,
    {
      heading: string;
      repeats: (n: number) => string;
      clusters: string;
      none: string;
      columns: readonly [string, string, string, string, string];
    }
  >
> = {
  'zh-Hant': {
    heading: '重複投訴及群組投訴',
    repeats: (n) => `本期有 ${n} 宗投訴為同一單位同類問題的重複投訴。`,
    clusters: '群組投訴（同座多個單位同類問題）',
    none: '本期沒有群組投訴。',
    columns: ['地點', '類別', '單位數', '本期投訴', '編號'],
  },
  'zh-Hans': {
    heading: '重复投诉及群组投诉',
    repeats: (n) => `本期有 ${n} 宗投诉为同一单位同类问题的重复投诉。`,
    clusters: '群组投诉（同栋多个单位同类问题）',
    none: '本期没有群组投诉。',
    columns: ['地点', '类别', '单位数', '本期投诉', '编号'],
  },
  en: {
    heading: 'Repeat and cluster complaints',
    repeats: (n) => `${n} complaints this period repeated an earlier one of the same unit and category.`,
    clusters: 'Clusters (several units of one building, same category)',
    none: 'No clusters this period.',
    columns: ['Location', 'Category', 'Units', 'Complaints', 'References'],
  },
};

/** The section's HTML, for the report's recurrence part. */
export function relatedSectionHtml(related: ReportRelated, language: Language): string {
  const w = WORDS[language];
  const clusters = related.clusters.length
    ? `<table class="data" data-section="clusters"><tr>${w.columns.map((c, i) => `<th${i === 2 || i === 3 ? ' class="n"' : ''}>${escapeHtml(c)}</th>`).join('')}</tr>${related.clusters
        .map(
          (c) =>
            `<tr><td>${escapeHtml(areaName(c.area, language))} ${escapeHtml(`${c.estate} ${c.building}`)}</td><td>${escapeHtml(categoryName(c.category, language))}</td><td class="n">${c.units}</td><td class="n">${c.complaints}</td><td class="refs">${escapeHtml(c.refs.join(', '))}</td></tr>`,
        )
        .join('')}</table>`
    : `<p>${escapeHtml(w.none)}</p>`;
  const repeatRefs = related.repeatRefs.length
    ? `<p class="refs">${escapeHtml(related.repeatRefs.join(', '))}</p>`
    : '';
  return `<h3 id="related-complaints">${escapeHtml(w.heading)}</h3><p data-section="repeats">${escapeHtml(w.repeats(related.repeats))}</p>${repeatRefs}
<h3>${escapeHtml(w.clusters)}</h3>${clusters}`;
}
