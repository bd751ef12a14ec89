/**
 * How recognised text is compared with what the page says (the OCR's accuracy figures):
 * Unicode NFKC (full-width letters, digits and punctuation become their ASCII forms), then
 * every whitespace character and every punctuation mark (Unicode category P: ，。：、「」 and
 * their ASCII forms) removed. Symbols such as + stay: they are part of a phone number.
 */
export function normaliseForComparison(text: string): string {
  return text.normalize('NFKC').replace(/[\s\p{P}]/gu, '');
}

/** Edit distance (insertions, deletions, substitutions) between two strings, by code point. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/** Character error rate of `recognised` against `truth`, both normalised as above. */
export function characterErrors(recognised: string, truth: string): { errors: number; length: number } {
  const t = normaliseForComparison(truth);
  return { errors: editDistance(normaliseForComparison(recognised), t), length: [...t].length };
}

/**
 * The national number of a Hong Kong or mainland phone, digits only, for comparing one found
 * with one expected: +852 9123 4567 and 91234567 are the same number, as are +86 138… and 138….
 */
export function phoneDigits(phone: string): string {
  const digits = phone.normalize('NFKC').replace(/\D/g, '');
  if (/^852\d{8}$/.test(digits)) return digits.slice(3);
  if (/^861\d{10}$/.test(digits)) return digits.slice(2);
  return digits;
}
