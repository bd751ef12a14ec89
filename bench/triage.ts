import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { itemBytes } from '#domain/item-size.ts';
import {
  keywordModel,
  suggest,
  type TriageExample,
  type TriageModel,
  trainModel,
} from '#domain/triage/model.ts';
import { charNgrams, segmenterTokenizer, type Tokenizer } from '#domain/triage/tokens.ts';
import type { Figure } from './figures.ts';

/**
 * `triage.*`: the category and department suggestion (issue 19 §3) on the labelled complaints
 * of test/fixtures/triage/complaints.jsonl (325 texts: 繁體, 简体 and English). Every 5th line
 * (index 4, 9, 14 … counting from 0) is held out: the model learns from the other four fifths
 * as it would from signed supervisor reviews (plus the catalogue's keywords) and is scored on
 * the held-out fifth, which it never saw. Also the keywords alone (the start before any
 * history), and the same model on @node-rs/jieba's words instead of character n-grams.
 */
export interface LabelledComplaint extends TriageExample {
  readonly language: 'zh-Hant' | 'zh-Hans' | 'en';
}

export const TRIAGE_FIXTURE = join(
  import.meta.dirname,
  '..',
  'test',
  'fixtures',
  'triage',
  'complaints.jsonl',
);

/** The labelled set and its fixed split (every 5th line is test). */
export function triageSplit(fold = 4): { train: LabelledComplaint[]; test: LabelledComplaint[] } {
  const all = readFileSync(TRIAGE_FIXTURE, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as LabelledComplaint);
  return { train: all.filter((_, i) => i % 5 !== fold), test: all.filter((_, i) => i % 5 === fold) };
}

interface Score {
  category: number;
  department: number;
  byLanguage: Record<string, { n: number; category: number }>;
}

function score(model: TriageModel, test: readonly LabelledComplaint[], tokenizer: Tokenizer): Score {
  let category = 0;
  let department = 0;
  const byLanguage: Score['byLanguage'] = {};
  for (const item of test) {
    const s = suggest(model, item.text, tokenizer);
    const lang = byLanguage[item.language] ?? { n: 0, category: 0 };
    byLanguage[item.language] = lang;
    lang.n++;
    if (s?.category === item.category) {
      category++;
      lang.category++;
    }
    if (s?.department === item.department) department++;
  }
  const pct = (n: number, of: number) => Math.round((1000 * n) / of) / 10;
  return {
    category: pct(category, test.length),
    department: pct(department, test.length),
    byLanguage: Object.fromEntries(
      Object.entries(byLanguage).map(([k, v]) => [k, { n: v.n, category: pct(v.category, v.n) }]),
    ),
  };
}

export async function benchTriage(log: (line: string) => void): Promise<Figure[]> {
  const { train, test } = triageSplit();
  log(`triage: ${train.length} training, ${test.length} held-out complaints`);
  const require = createRequire(import.meta.url);
  const { Jieba } = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
  const { dict } = require('@node-rs/jieba/dict.js') as { dict: Uint8Array };
  const jieba = Jieba.withDict(dict);
  const jiebaTokens = segmenterTokenizer((text) => jieba.cut(text, true));

  let started = performance.now();
  const ngramModel = trainModel(train);
  const trainMs = performance.now() - started;
  started = performance.now();
  const ngram = score(ngramModel, test, charNgrams);
  const predictMs = (performance.now() - started) / test.length;
  const jiebaScore = score(trainModel(train, { tokenizer: jiebaTokens }), test, jiebaTokens);
  const keywords = score(keywordModel(), test, charNgrams);
  const jiebaKeywords = score(trainModel([], { tokenizer: jiebaTokens }), test, jiebaTokens);
  // The tokenizers compared on all five folds (each fifth held out in turn: 325 predictions),
  // since one fold's 65 texts cannot tell two models a few texts apart.
  const folds = { ngram: { category: 0, department: 0 }, jieba: { category: 0, department: 0 } };
  const all = train.length + test.length;
  for (let fold = 0; fold < 5; fold++) {
    const split = triageSplit(fold);
    const share = split.test.length / all; // each fold's percentage, weighted by its texts
    const a = score(trainModel(split.train), split.test, charNgrams);
    const b = score(trainModel(split.train, { tokenizer: jiebaTokens }), split.test, jiebaTokens);
    folds.ngram.category += a.category * share;
    folds.ngram.department += a.department * share;
    folds.jieba.category += b.category * share;
    folds.jieba.department += b.department * share;
  }
  const r1 = (v: number) => Math.round(v * 10) / 10;
  log(
    `  five folds: char uni+bigrams ${r1(folds.ngram.category)}% / ${r1(folds.ngram.department)}%, jieba ${r1(folds.jieba.category)}% / ${r1(folds.jieba.department)}%`,
  );
  const bytes = itemBytes({ model: ngramModel });
  const json = Buffer.byteLength(JSON.stringify(ngramModel));
  log(
    `  char uni+bigrams: category ${ngram.category}%, department ${ngram.department}% ${JSON.stringify(ngram.byLanguage)}`,
  );
  log(
    `  jieba words:      category ${jiebaScore.category}%, department ${jiebaScore.department}% ${JSON.stringify(jiebaScore.byLanguage)}`,
  );
  log(
    `  keywords only:    category ${keywords.category}%, department ${keywords.department}% (jieba: ${jiebaKeywords.category}%, ${jiebaKeywords.department}%)`,
  );
  log(
    `  model: ${json} bytes of JSON, ${bytes} bytes as a DynamoDB item; trained in ${trainMs.toFixed(1)} ms, ${predictMs.toFixed(3)} ms a suggestion`,
  );
  return [
    { name: 'triage.category_top1', value: ngram.category, unit: '%', goal: '≥ 80' },
    { name: 'triage.department_top1', value: ngram.department, unit: '%', goal: null },
    { name: 'triage.keywords_category_top1', value: keywords.category, unit: '%', goal: null },
    { name: 'triage.keywords_department_top1', value: keywords.department, unit: '%', goal: null },
    { name: 'triage.jieba_category_top1', value: jiebaScore.category, unit: '%', goal: null },
    { name: 'triage.jieba_department_top1', value: jiebaScore.department, unit: '%', goal: null },
    { name: 'triage.cv_category_top1', value: r1(folds.ngram.category), unit: '%', goal: null },
    { name: 'triage.cv_jieba_category_top1', value: r1(folds.jieba.category), unit: '%', goal: null },
    { name: 'triage.cv_department_top1', value: r1(folds.ngram.department), unit: '%', goal: null },
    { name: 'triage.cv_jieba_department_top1', value: r1(folds.jieba.department), unit: '%', goal: null },
    { name: 'triage.model_kb', value: Math.round(bytes / 100) / 10, unit: 'KB', goal: null },
  ];
}
