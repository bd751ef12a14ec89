/**
 * The recogniser's dictionary (PP-OCRv4) is Simplified-first: on a Traditional letter it often
 * reads a Simplified form (话 for 話, 楼 for 樓). A page is taken as Traditional when it has more
 * characters that exist only in Traditional than only in Simplified, and its lines are then
 * converted to Hong Kong Traditional (OpenCC, cn → hk); a Simplified page is left as read.
 */
import * as OpenCC from 'opencc-js';

const toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });
const toTraditional = OpenCC.Converter({ from: 'cn', to: 'hk' });

/** Characters that only one of the two scripts writes so: [Traditional-only, Simplified-only]. */
export function scriptCounts(text: string): [number, number] {
  let traditional = 0;
  let simplified = 0;
  for (const c of text) {
    if (!/\p{Script=Han}/u.test(c)) continue;
    if (toSimplified(c) !== c) traditional++;
    else if (toTraditional(c) !== c) simplified++;
  }
  return [traditional, simplified];
}

export function isTraditionalPage(texts: readonly string[]): boolean {
  const [traditional, simplified] = scriptCounts(texts.join(''));
  return traditional > simplified;
}

/** The page's lines in its own script. */
export function inPageScript<T extends { readonly text: string }>(lines: readonly T[]): T[] {
  if (!isTraditionalPage(lines.map((l) => l.text))) return [...lines];
  return lines.map((line) => ({ ...line, text: toTraditional(line.text) }));
}
