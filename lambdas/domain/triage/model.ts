import { CATEGORY_IDS, type CategoryId, DEPARTMENT_IDS, type DepartmentId } from '#config/catalogue.ts';
import { CATEGORY_DEPARTMENT, CATEGORY_KEYWORDS, TRIAGE } from '#config/triage.ts';
import { charNgrams, type Tokenizer } from './tokens.ts';

/**
 * The category and department suggestion: two multinomial naive Bayes classifiers (one for the
 * category, one for the department) over the text's features (tokens.ts), trained on the
 * company's signed supervisor reviews and on the catalogue's keywords (config/triage.ts), which
 * are all it knows before there is any history. Naive Bayes because it is counts and a
 * division: trained in one pass, explained in one line, serialised as its counts, and good
 * with a few hundred short texts (docs/triage.md has the measurement).
 */

/** One signed decision: the complaint's words and the category and department it was given. */
export interface TriageExample {
  readonly text: string;
  readonly category: CategoryId;
  readonly department: DepartmentId;
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
  readonly version: 1;
  readonly tokenizer: 'char-ngrams' | 'custom';
  readonly trainedAt: string;
  /** Signed complaints it learnt from (keywords not counted). */
  readonly examples: number;
  readonly category: HeadCounts;
  readonly department: HeadCounts;
}

export interface Suggestion {
  readonly category: CategoryId;
  readonly department: DepartmentId;
  /** The category's posterior probability, 0–1 (two decimals). */
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
    for (const token of TRIAGE.binary ? new Set(tokens) : tokens) {
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
        if (count > 0) sparse.push(k, round(count));
      });
      features[token] = sparse;
    }
    return {
      classes: this.classes,
      documents: this.documents.map(round),
      totals: this.totals.map(round),
      features,
    };
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;

export interface TrainOptions {
  readonly tokenizer?: Tokenizer;
  /** Whether the catalogue's keywords are added to the history. @default true */
  readonly keywords?: boolean;
  readonly now?: Date;
}

/** Trains both classifiers on the signed examples (and the keywords). */
export function trainModel(examples: readonly TriageExample[], options: TrainOptions = {}): TriageModel {
  const tokenize = options.tokenizer ?? charNgrams;
  const category = new Counter(CATEGORY_IDS);
  const department = new Counter(DEPARTMENT_IDS);
  const add = (example: TriageExample, weight: number) => {
    const tokens = tokenize(example.text);
    if (!tokens.length) return;
    category.add(example.category, tokens, weight);
    department.add(example.department, tokens, weight);
  };
  if (options.keywords !== false) for (const example of keywordExamples()) add(example, TRIAGE.keywordWeight);
  for (const example of examples) add(example, 1);
  return {
    version: 1,
    tokenizer: options.tokenizer ? 'custom' : 'char-ngrams',
    trainedAt: (options.now ?? new Date()).toISOString(),
    examples: examples.length,
    category: category.toCounts(TRIAGE.maxFeatures),
    department: department.toCounts(TRIAGE.maxFeatures),
  };
}

/** The model before any history: the keywords alone. */
export function keywordModel(now = new Date()): TriageModel {
  return trainModel([], { now });
}

/**
 * Probabilities of each class of one head for the tokens, best first. Naive Bayes counts every
 * feature as independent evidence, and character pairs overlap (浴室, 室天, 天花 …), so its
 * posterior is far too sure (100 % for most texts). The evidence is divided by `n^power` (n the
 * features it knows; the class prior is not), a temperature that makes the confidence shown
 * close to how often it is right (docs/triage.md) and leaves the prior a little more say.
 */
export function rank(
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
  if (!tokens.some((token) => model.category.features[token] || model.department.features[token]))
    return undefined;
  const [category] = rank(model.category, tokens);
  const [department] = rank(model.department, tokens);
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
  return !!model && model.version === 1 && head(model.category) && head(model.department);
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
