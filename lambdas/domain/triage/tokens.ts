/**
 * Cutting a complaint's text into the features the triage model counts. Chinese is written
 * without spaces, so a run of Han characters gives each character and each pair of
 * neighbouring characters (uni- and bigrams: 浴室天花 → 浴 室 天 花 浴室 室天 天花); Latin
 * text gives its words, lower-cased, with a plural or verb `s` and `ing`/`ed` endings cut so
 * that leak, leaks, leaking and leaked count as one. NFKC first, so full-width letters and
 * digits are the same as half-width ones, and Traditional characters are read as Simplified.
 */

import { Converter } from 'opencc-js/t2cn';

/** A function from text to its features; the bench compares this with a word segmenter's. */
export type Tokenizer = (text: string) => string[];

const HAN = /\p{Script=Han}/u;
const LATIN_WORD = /[\p{Script=Latin}\d]+/gu;
const SEGMENTS = /\p{Script=Han}+|[\p{Script=Latin}\d]+/gu;

/** English words that say nothing about what a complaint is about. */
const STOP_WORDS = new Set(
  'a an and are as at be been by for from has have i in is it its my of on or our so that the their them there they this to was we were when with been has had not any every please'.split(
    ' ',
  ),
);

/** One English word's stem (enough for complaint words: no dictionary). */
export function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** English words of a stretch of Latin text, without stop words, stemmed. */
export function latinWords(text: string): string[] {
  const words: string[] = [];
  for (const [word] of text.matchAll(LATIN_WORD)) {
    if (word.length < 2 || STOP_WORDS.has(word)) continue;
    words.push(stem(word));
  }
  return words;
}

/** Traditional characters (Hong Kong and Taiwan forms) to simplified: OpenCC's tables. */
const toSimplified = Converter({ from: 'hk', to: 'cn' });

/**
 * The text as the tokenizers read it: NFKC, lower case, and in simplified characters (OpenCC,
 * Hong Kong forms to mainland ones), so that 漏水 in a Hong Kong letter and 漏水 in a Shenzhen
 * one, 滲水 and 渗水, are the same features: a complaint signed in one script teaches the other.
 */
export function normalise(text: string): string {
  return toSimplified(text.normalize('NFKC').toLowerCase());
}

/** Character uni- and bigrams of each Han run, words of each Latin one. */
export const charNgrams: Tokenizer = (text) => {
  const tokens: string[] = [];
  for (const [run] of normalise(text).matchAll(SEGMENTS)) {
    if (!HAN.test(run[0] ?? '')) {
      tokens.push(...latinWords(run));
      continue;
    }
    const chars = [...run];
    for (let i = 0; i < chars.length; i++) {
      tokens.push(chars[i] as string);
      if (i + 1 < chars.length) tokens.push(`${chars[i]}${chars[i + 1]}`);
    }
  }
  return tokens;
};

/**
 * A tokenizer from a word segmenter (e.g. @node-rs/jieba's `cut`): Han words as it cuts them,
 * Latin words as above. Used by the comparison in bench/triage.ts.
 */
export function segmenterTokenizer(cut: (text: string) => string[]): Tokenizer {
  return (text) => {
    const tokens: string[] = [];
    for (const [run] of normalise(text).matchAll(SEGMENTS)) {
      if (!HAN.test(run[0] ?? '')) tokens.push(...latinWords(run));
      else tokens.push(...cut(run).filter((word) => word.trim().length > 0));
    }
    return tokens;
  };
}
