import { CATEGORY_IDS, type CategoryId, DEPARTMENT_IDS, type DepartmentId } from '#config/catalogue.ts';
import { CATEGORY_DEPARTMENT, CATEGORY_KEYWORDS, TRIAGE } from '#config/triage.ts';
import { charNgrams, type Tokenizer } from './tokens.ts';

/**
 * The category and department suggestion: two multinomial logistic regressions (softmax, L2;
 * one for the category, one for the department) over the text's features (tokens.ts), trained
 * on the company's signed supervisor reviews and on the catalogue's keywords (config/triage.ts),
 * which are all it knows before there is any history. Full-batch gradient descent, a few hundred
 * epochs: seconds for thousands of complaints, and the stored model is one weight per feature
 * and class that matters (docs/triage.md has the measurement against naive Bayes).
 */

/** One signed decision: the complaint's words and the category and department it was given. */
export interface TriageExample {
  readonly text: string;
  readonly category: CategoryId;
  readonly department: DepartmentId;
}

/** One classifier's weights: a bias per class, and per feature its class weights (sparse). */
export interface LinearHead {
  readonly classes: readonly string[];
  readonly bias: readonly number[];
  /** feature → [class index, weight, class index, weight, …]; a missing class weighs 0. */
  readonly features: Readonly<Record<string, readonly number[]>>;
}

/** One classifier's counts: per class, its documents and its features' total; per feature, its counts. */
export interface HeadCounts {
  readonly classes: readonly string[];
  readonly documents: readonly number[];
  readonly totals: readonly number[];
  /** feature → [class index, count, class index, count, …] (sparse). */
  readonly features: Readonly<Record<string, readonly number[]>>;
}

/** The stored model (a small JSON document). */
export interface TriageModel {
  readonly version: 2;
  readonly tokenizer: 'char-ngrams' | 'custom';
  readonly trainedAt: string;
  /** Signed complaints it learnt from (keywords not counted). */
  readonly examples: number;
  readonly category: LinearHead;
  /** The department: naive Bayes counts (docs/triage.md: it learns a company's own routing sooner). */
  readonly department: HeadCounts;
}

export interface Suggestion {
  readonly category: CategoryId;
  readonly department: DepartmentId;
  /** The category's probability, 0–1 (two decimals). */
  readonly confidence: number;
  readonly departmentConfidence: number;
}

/** The keywords as short labelled documents: the model's start. */
export function keywordExamples(): TriageExample[] {
  return CATEGORY_IDS.flatMap((category) => {
    const words = CATEGORY_KEYWORDS[category];
    return [...words.zhHant, ...words.zhHans, ...words.en].map((text) => ({
      text,
      category,
      department: CATEGORY_DEPARTMENT[category],
    }));
  });
}

/**
 * A document's features as the model reads them: each distinct feature once, each worth
 * 1/√(distinct features), so a long letter and a one-line chat message weigh alike.
 */
function distinct(tokens: readonly string[]): string[] {
  return [...new Set(tokens)];
}

interface Document {
  readonly features: Int32Array;
  readonly label: number;
  readonly weight: number;
}

/**
 * Softmax regression by full-batch gradient descent on the weighted mean cross-entropy plus
 * L2 (`TRIAGE.l2`, on the feature weights, not the biases). Returns the head with the
 * `maxFeatures` most frequent features, each class weight rounded to 3 decimals and those
 * under `TRIAGE.minWeight` dropped (a feature's weights are first centred on their mean, which
 * changes no probability since every class gains the same).
 */
function trainHead(
  classes: readonly string[],
  documents: readonly { tokens: readonly string[]; label: string; weight: number }[],
): LinearHead {
  const K = classes.length;
  const index = new Map<string, number>();
  const frequency: number[] = [];
  const docs: Document[] = [];
  for (const document of documents) {
    const label = classes.indexOf(document.label);
    if (label < 0 || !document.tokens.length) continue;
    const ids = distinct(document.tokens).map((token) => {
      let id = index.get(token);
      if (id === undefined) {
        id = index.size;
        index.set(token, id);
        frequency.push(0);
      }
      frequency[id] = (frequency[id] ?? 0) + document.weight;
      return id;
    });
    docs.push({ features: Int32Array.from(ids), label, weight: document.weight });
  }
  const F = index.size;
  const weights = new Float64Array(F * K);
  const bias = new Float64Array(K);
  const gradient = new Float64Array(F * K);
  const biasGradient = new Float64Array(K);
  const scores = new Float64Array(K);
  const total = docs.reduce((sum, doc) => sum + doc.weight, 0) || 1;
  const rate = TRIAGE.learningRate;
  for (let epoch = 0; epoch < TRIAGE.epochs; epoch++) {
    gradient.fill(0);
    biasGradient.fill(0);
    for (const doc of docs) {
      const scale = 1 / Math.sqrt(doc.features.length);
      for (let k = 0; k < K; k++) scores[k] = bias[k] as number;
      for (const f of doc.features) {
        const row = f * K;
        for (let k = 0; k < K; k++) scores[k] = (scores[k] as number) + (weights[row + k] as number) * scale;
      }
      let best = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) best = Math.max(best, scores[k] as number);
      let sum = 0;
      for (let k = 0; k < K; k++) {
        scores[k] = Math.exp((scores[k] as number) - best);
        sum += scores[k] as number;
      }
      const share = doc.weight / total;
      for (let k = 0; k < K; k++) {
        const error = (((scores[k] as number) / sum - (k === doc.label ? 1 : 0)) * share) as number;
        scores[k] = error;
        biasGradient[k] = (biasGradient[k] as number) + error;
      }
      for (const f of doc.features) {
        const row = f * K;
        for (let k = 0; k < K; k++)
          gradient[row + k] = (gradient[row + k] as number) + (scores[k] as number) * scale;
      }
    }
    for (let i = 0; i < weights.length; i++)
      weights[i] =
        (weights[i] as number) - rate * ((gradient[i] as number) + TRIAGE.l2 * (weights[i] as number));
    for (let k = 0; k < K; k++) bias[k] = (bias[k] as number) - rate * (biasGradient[k] as number);
  }
  const kept = [...index.entries()]
    .sort((a, b) => (frequency[b[1]] ?? 0) - (frequency[a[1]] ?? 0) || (a[0] < b[0] ? -1 : 1))
    .slice(0, TRIAGE.maxFeatures);
  const features: Record<string, number[]> = {};
  for (const [token, id] of kept) {
    const row = Array.from(weights.subarray(id * K, id * K + K));
    const mean = row.reduce((a, b) => a + b, 0) / K;
    const sparse: number[] = [];
    row.forEach((weight, k) => {
      const centred = round(weight - mean);
      if (Math.abs(centred) >= TRIAGE.minWeight) sparse.push(k, centred);
    });
    if (sparse.length) features[token] = sparse;
  }
  const meanBias = bias.reduce((a, b) => a + b, 0) / K;
  return { classes, bias: Array.from(bias, (b) => round(b - meanBias)), features };
}

class Counter {
  readonly documents: number[];
  readonly totals: number[];
  readonly features = new Map<string, number[]>();
  readonly classes: readonly string[];
  constructor(classes: readonly string[]) {
    this.classes = classes;
    this.documents = classes.map(() => 0);
    this.totals = classes.map(() => 0);
  }
  add(label: string, tokens: readonly string[], weight: number): void {
    const k = this.classes.indexOf(label);
    if (k < 0) return;
    this.documents[k] = (this.documents[k] ?? 0) + weight;
    for (const token of new Set(tokens)) {
      let counts = this.features.get(token);
      if (!counts) {
        counts = this.classes.map(() => 0);
        this.features.set(token, counts);
      }
      counts[k] = (counts[k] ?? 0) + weight;
      this.totals[k] = (this.totals[k] ?? 0) + weight;
    }
  }
  /** The counts with the `max` most frequent features, sparse. */
  toCounts(max: number): HeadCounts {
    const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
    const kept = [...this.features.entries()]
      .sort((a, b) => sum(b[1]) - sum(a[1]) || (a[0] < b[0] ? -1 : 1))
      .slice(0, max);
    const features: Record<string, number[]> = {};
    for (const [token, counts] of kept) {
      const sparse: number[] = [];
      counts.forEach((count, k) => {
        if (count > 0) sparse.push(k, roundCount(count));
      });
      features[token] = sparse;
    }
    return {
      classes: this.classes,
      documents: this.documents.map(roundCount),
      totals: this.totals.map(roundCount),
      features,
    };
  }
}

const round = (value: number) => Math.round(value * 100) / 100;
const roundCount = (value: number) => Math.round(value * 1000) / 1000;

export interface TrainOptions {
  readonly tokenizer?: Tokenizer;
  /** Whether the catalogue's keywords are added to the history. @default true */
  readonly keywords?: boolean;
  readonly now?: Date;
}

/** Trains both classifiers on the signed examples (and the keywords). */
export function trainModel(examples: readonly TriageExample[], options: TrainOptions = {}): TriageModel {
  const tokenize = options.tokenizer ?? charNgrams;
  const keywords = (options.keywords !== false ? keywordExamples() : []).map((example) => ({
    example,
    keyword: true,
    tokens: tokenize(example.text),
  }));
  const signed = examples.map((example) => ({ example, keyword: false, tokens: tokenize(example.text) }));
  const labelled = [...keywords, ...signed];
  const head = (classes: readonly string[], of: (example: TriageExample) => string, keywordWeight: number) =>
    trainHead(
      classes,
      labelled.map(({ example, keyword, tokens }) => ({
        tokens,
        label: of(example),
        weight: keyword ? keywordWeight : 1,
      })),
    );
  return {
    version: 2,
    tokenizer: options.tokenizer ? 'custom' : 'char-ngrams',
    trainedAt: (options.now ?? new Date()).toISOString(),
    examples: examples.length,
    category: head(CATEGORY_IDS, (example) => example.category, TRIAGE.keywordWeight.category),
    department: departmentCounts(labelled),
  };
}

/** The department's naive Bayes counts over the same documents. */
function departmentCounts(
  labelled: readonly { example: TriageExample; keyword: boolean; tokens: readonly string[] }[],
): HeadCounts {
  const counter = new Counter(DEPARTMENT_IDS);
  for (const { example, keyword, tokens } of labelled)
    if (tokens.length) counter.add(example.department, tokens, keyword ? TRIAGE.keywordWeight.department : 1);
  return counter.toCounts(TRIAGE.maxFeatures);
}

/** The model before any history: the keywords alone. */
export function keywordModel(now = new Date()): TriageModel {
  return trainModel([], { now });
}

/**
 * Probabilities of each class of one head for the tokens, best first: the softmax of the bias
 * plus the known features' weights, each distinct feature worth 1/√(distinct known features),
 * as in training.
 */
export function rank(head: LinearHead, tokens: readonly string[]): { label: string; probability: number }[] {
  const known = distinct(tokens).filter((token) => Object.hasOwn(head.features, token));
  const scale = 1 / Math.sqrt(Math.max(1, known.length));
  const scores = head.classes.map((_, k) => head.bias[k] ?? 0);
  for (const token of known) {
    const sparse = head.features[token] ?? [];
    for (let i = 0; i + 1 < sparse.length; i += 2) {
      const k = sparse[i] as number;
      scores[k] = (scores[k] ?? 0) + (sparse[i + 1] as number) * scale;
    }
  }
  const best = Math.max(...scores);
  const exp = scores.map((score) => Math.exp(score - best));
  const total = exp.reduce((a, b) => a + b, 0);
  return head.classes
    .map((label, k) => ({ label, probability: (exp[k] ?? 0) / total }))
    .sort((a, b) => b.probability - a.probability);
}

/**
 * Probabilities of each class of one head for the tokens, best first. Naive Bayes counts every
 * feature as independent evidence, and character pairs overlap (浴室, 室天, 天花 …), so its
 * posterior is far too sure (100 % for most texts). The evidence is divided by `n^power` (n the
 * features it knows; the class prior is not), a temperature that makes the confidence shown
 * close to how often it is right (docs/triage.md) and leaves the prior a little more say.
 */
export function rankCounts(
  head: HeadCounts,
  tokens: readonly string[],
  power: number = TRIAGE.confidencePower,
): { label: string; probability: number }[] {
  const alpha = TRIAGE.smoothing;
  const vocabulary = Object.keys(head.features).length || 1;
  const allDocuments = head.documents.reduce((a, b) => a + b, 0);
  const classes = head.classes.length;
  const known = tokens.filter((token) => head.features[token]).length;
  const temperature = Math.max(1, known) ** power;
  const scores = head.classes.map((_, k) => {
    // A class nobody has signed yet still has a (small) prior, so it can be suggested.
    const prior = Math.log(((head.documents[k] ?? 0) + 1) / (allDocuments + classes));
    let score = 0;
    const denominator = Math.log((head.totals[k] ?? 0) + alpha * vocabulary);
    for (const token of tokens) {
      const sparse = head.features[token];
      if (!sparse) continue; // A feature never seen says nothing for any class.
      let count = 0;
      for (let i = 0; i < sparse.length; i += 2) if (sparse[i] === k) count = sparse[i + 1] ?? 0;
      score += Math.log(count + alpha) - denominator;
    }
    return prior + score / temperature;
  });
  const best = Math.max(...scores);
  const exp = scores.map((score) => Math.exp(score - best));
  const total = exp.reduce((a, b) => a + b, 0);
  return head.classes
    .map((label, k) => ({ label, probability: (exp[k] ?? 0) / total }))
    .sort((a, b) => b.probability - a.probability);
}

/** The suggestion for a complaint's text, or undefined when the text has no features at all. */
export function suggest(
  model: TriageModel,
  text: string,
  tokenizer: Tokenizer = charNgrams,
): Suggestion | undefined {
  const tokens = tokenizer(text);
  const knows = (token: string) =>
    Object.hasOwn(model.category.features, token) || Object.hasOwn(model.department.features, token);
  if (!tokens.some(knows)) return undefined;
  const [category] = rank(model.category, tokens);
  const [department] = rankCounts(model.department, tokens);
  if (!category || !department) return undefined;
  return {
    category: category.label as CategoryId,
    department: department.label as DepartmentId,
    confidence: Math.round(category.probability * 100) / 100,
    departmentConfidence: Math.round(department.probability * 100) / 100,
  };
}

/** Whether a stored document is a model this code reads (a model of another version is not). */
export function isTriageModel(value: unknown): value is TriageModel {
  const model = value as Partial<TriageModel> | undefined;
  const head = (h: unknown) => {
    const c = h as Partial<LinearHead> | undefined;
    return (
      !!c &&
      Array.isArray(c.classes) &&
      Array.isArray(c.bias) &&
      typeof c.features === 'object' &&
      c.features !== null
    );
  };
  const counts = (h: unknown) => {
    const c = h as Partial<HeadCounts> | undefined;
    return (
      !!c &&
      Array.isArray(c.classes) &&
      Array.isArray(c.documents) &&
      Array.isArray(c.totals) &&
      typeof c.features === 'object' &&
      c.features !== null
    );
  };
  return !!model && model.version === 2 && head(model.category) && counts(model.department);
}

/**
 * The suggestion as kept on the record (`suggestion`): made when the supervisor's review opens,
 * from the model of `modelTrainedAt` (absent: the keywords alone), and once the review is
 * signed, whether the supervisor took its category and its department (the accuracy figure).
 */
export interface RecordedSuggestion extends Suggestion {
  readonly at: string;
  readonly modelTrainedAt?: string;
  readonly outcome?: { readonly category: SuggestionOutcome; readonly department: SuggestionOutcome };
}

export type SuggestionOutcome = 'accepted' | 'overridden';

/** Whether the signed category and department are the suggested ones. */
export function suggestionOutcome(
  suggestion: Suggestion,
  signed: { category: string; department: string },
): NonNullable<RecordedSuggestion['outcome']> {
  return {
    category: signed.category === suggestion.category ? 'accepted' : 'overridden',
    department: signed.department === suggestion.department ? 'accepted' : 'overridden',
  };
}

/** The text a complaint is suggested from: its words, and the request as clarified with the owner. */
export function triageText(record: { content: string; clarifiedPurpose?: string }): string {
  return record.clarifiedPurpose ? `${record.content}\n${record.clarifiedPurpose}` : record.content;
}
