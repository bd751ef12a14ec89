import { escapeHtml } from '#domain/mime.ts';

/**
 * Charts for the report, drawn without scripts or external resources. On the web and on paper
 * they are inline SVG; in email, where many clients drop SVG, the same bars are table cells
 * with a background colour (which every client from Gmail to Outlook keeps). Each chart sits
 * beside a table with its figures, so nothing depends on the drawing.
 */
export type ChartTarget = 'web' | 'email';

export const COLOURS = {
  current: '#1f5f99',
  previous: '#a9c4de',
  met: '#2e7d32',
  missed: '#c62828',
  track: '#e6e9ee',
  text: '#1d2733',
  muted: '#5b6673',
} as const;

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly previous?: number;
  /** Text at the bar's end; the value when absent. */
  readonly text?: string;
}

const WIDTH = 680;
const LABEL = 190;
const VALUE_TEXT = 70;
const PLOT = WIDTH - LABEL - VALUE_TEXT;
const FONT =
  "font-family=\"'Noto Sans CJK TC','Noto Sans CJK SC','Microsoft JhengHei','PingFang TC',sans-serif\"";

/** Horizontal bars, this period against the previous when `previous` is given. */
export function barChart(
  bars: readonly Bar[],
  options: { target: ChartTarget; title: string; legend?: { current: string; previous: string } },
): string {
  if (bars.length === 0) return '';
  const withPrevious = bars.some((bar) => bar.previous !== undefined);
  const max = Math.max(1, ...bars.map((bar) => Math.max(bar.value, bar.previous ?? 0)));
  if (options.target === 'email') return emailBars(bars, max, withPrevious, options);
  const row = withPrevious ? 30 : 22;
  const top = options.legend && withPrevious ? 22 : 4;
  const height = top + bars.length * row + 4;
  const parts: string[] = [];
  if (options.legend && withPrevious) parts.push(legend(options.legend));
  bars.forEach((bar, i) => {
    const y = top + i * row;
    const current = (bar.value / max) * PLOT;
    parts.push(
      `<text x="${LABEL - 8}" y="${y + 13}" text-anchor="end" font-size="12" fill="${COLOURS.text}">${escapeHtml(shorten(bar.label, 26))}</text>`,
      `<rect x="${LABEL}" y="${y + 3}" width="${round(current)}" height="12" fill="${COLOURS.current}"/>`,
      `<text x="${LABEL + round(current) + 4}" y="${y + 13}" font-size="11" fill="${COLOURS.text}">${escapeHtml(bar.text ?? String(bar.value))}</text>`,
    );
    if (withPrevious) {
      const previous = ((bar.previous ?? 0) / max) * PLOT;
      parts.push(
        `<rect x="${LABEL}" y="${y + 17}" width="${round(previous)}" height="7" fill="${COLOURS.previous}"/>`,
        `<text x="${LABEL + round(previous) + 4}" y="${y + 24}" font-size="9" fill="${COLOURS.muted}">${bar.previous ?? 0}</text>`,
      );
    }
  });
  return svg(options.title, height, parts);
}

/** Bars of a share in [0, 1] (e.g. deadlines met), on a full-width track. */
export function shareChart(
  rows: readonly { label: string; share: number | undefined; text: string }[],
  options: { target: ChartTarget; title: string },
): string {
  if (rows.length === 0) return '';
  if (options.target === 'email') {
    return emailTable(
      rows.map((row) => [
        row.label,
        row.share === undefined ? [] : [{ share: row.share, colour: COLOURS.met }],
        row.text,
      ]),
      COLOURS.track,
    );
  }
  const row = 22;
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const y = 4 + i * row;
    parts.push(
      `<text x="${LABEL - 8}" y="${y + 13}" text-anchor="end" font-size="12" fill="${COLOURS.text}">${escapeHtml(shorten(r.label, 26))}</text>`,
      `<rect x="${LABEL}" y="${y + 3}" width="${PLOT}" height="12" fill="${COLOURS.track}"/>`,
    );
    if (r.share !== undefined) {
      parts.push(
        `<rect x="${LABEL}" y="${y + 3}" width="${round(r.share * PLOT)}" height="12" fill="${COLOURS.met}"/>`,
      );
    }
    parts.push(
      `<text x="${LABEL + PLOT + 4}" y="${y + 13}" font-size="11" fill="${COLOURS.text}">${escapeHtml(r.text)}</text>`,
    );
  });
  return svg(options.title, 8 + rows.length * row, parts);
}

export interface StackPart {
  readonly value: number;
  readonly colour: string;
}

/** 100% stacked bars (e.g. satisfaction per area), with a legend. */
export function stackedChart(
  rows: readonly { label: string; parts: readonly StackPart[]; text: string }[],
  options: { target: ChartTarget; title: string; legend: readonly { label: string; colour: string }[] },
): string {
  if (rows.length === 0) return '';
  const legendHtml = options.legend
    .map(
      (item) =>
        `<span class="key"><span class="swatch" style="background:${item.colour}"></span>${escapeHtml(item.label)}</span>`,
    )
    .join(' ');
  if (options.target === 'email') {
    return `<p class="legend">${legendHtml}</p>${emailTable(
      rows.map((row) => {
        const total = row.parts.reduce((sum, part) => sum + part.value, 0);
        return [
          row.label,
          total === 0 ? [] : row.parts.map((part) => ({ share: part.value / total, colour: part.colour })),
          row.text,
        ];
      }),
      COLOURS.track,
    )}`;
  }
  const row = 22;
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const y = 4 + i * row;
    const total = r.parts.reduce((sum, part) => sum + part.value, 0);
    parts.push(
      `<text x="${LABEL - 8}" y="${y + 13}" text-anchor="end" font-size="12" fill="${COLOURS.text}">${escapeHtml(shorten(r.label, 26))}</text>`,
    );
    if (total === 0) {
      parts.push(`<rect x="${LABEL}" y="${y + 3}" width="${PLOT}" height="12" fill="${COLOURS.track}"/>`);
    }
    let x = LABEL;
    for (const part of r.parts) {
      if (total === 0 || part.value === 0) continue;
      const width = (part.value / total) * PLOT;
      parts.push(
        `<rect x="${round(x)}" y="${y + 3}" width="${round(width)}" height="12" fill="${part.colour}"/>`,
      );
      x += width;
    }
    parts.push(
      `<text x="${LABEL + PLOT + 4}" y="${y + 13}" font-size="11" fill="${COLOURS.text}">${escapeHtml(r.text)}</text>`,
    );
  });
  return `<p class="legend">${legendHtml}</p>${svg(options.title, 8 + rows.length * row, parts)}`;
}

function svg(title: string, height: number, parts: string[]): string {
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" ${FONT}><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`;
}

function legend(labels: { current: string; previous: string }): string {
  return [
    `<rect x="${LABEL}" y="4" width="12" height="10" fill="${COLOURS.current}"/>`,
    `<text x="${LABEL + 16}" y="13" font-size="11" fill="${COLOURS.text}">${escapeHtml(labels.current)}</text>`,
    `<rect x="${LABEL + 110}" y="6" width="12" height="7" fill="${COLOURS.previous}"/>`,
    `<text x="${LABEL + 126}" y="13" font-size="11" fill="${COLOURS.text}">${escapeHtml(labels.previous)}</text>`,
  ].join('');
}

function emailBars(
  bars: readonly Bar[],
  max: number,
  withPrevious: boolean,
  options: { legend?: { current: string; previous: string } },
): string {
  const rows = bars.map((bar) => {
    const segments = [{ share: bar.value / max, colour: COLOURS.current }];
    return [
      bar.label,
      segments,
      `${bar.text ?? bar.value}${withPrevious ? ` / ${bar.previous ?? 0}` : ''}`,
    ] as const;
  });
  const note =
    withPrevious && options.legend
      ? `<p class="legend">${escapeHtml(`${options.legend.current} / ${options.legend.previous}`)}</p>`
      : '';
  return note + emailTable(rows, '');
}

/** Rows of label | bar made of coloured cells | text, for email clients. */
function emailTable(
  rows: readonly (readonly [string, readonly { share: number; colour: string }[], string])[],
  track: string,
): string {
  const body = rows
    .map(([label, segments, text]) => {
      const used = segments.reduce((sum, s) => sum + Math.max(0, s.share), 0);
      const cells = segments
        .filter((s) => s.share > 0)
        .map(
          (s) =>
            `<td width="${Math.max(1, Math.round(s.share * 100))}%" bgcolor="${s.colour}" style="background:${s.colour};height:12px;font-size:1px;line-height:1px">&nbsp;</td>`,
        );
      const rest = Math.round((1 - Math.min(1, used)) * 100);
      if (rest > 0) {
        cells.push(
          `<td width="${rest}%"${track ? ` bgcolor="${track}" style="background:${track};height:12px;font-size:1px;line-height:1px"` : ''}>&nbsp;</td>`,
        );
      }
      return `<tr><td class="bar-label">${escapeHtml(label)}</td><td class="bar-cell"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse"><tr>${cells.join('')}</tr></table></td><td class="bar-text">${escapeHtml(text)}</td></tr>`;
    })
    .join('');
  return `<table role="presentation" class="bars" width="100%" cellpadding="2" cellspacing="0">${body}</table>`;
}

/** Shortens a label to about `units` half-width characters (CJK counts as two). */
function shorten(label: string, units: number): string {
  let used = 0;
  let out = '';
  for (const char of label) {
    const width = /[\u1100-\uffef]/.test(char) ? 2 : 1;
    if (used + width > units) return `${out}…`;
    used += width;
    out += char;
  }
  return out;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
