import { getTriageModel, putTriageModel, signedComplaintsOfMonth } from '#adapters/triage-model.ts';
import { AREAS } from '#config/areas.ts';
import { CATEGORY_IDS, type CategoryId, DEPARTMENT_IDS, type DepartmentId } from '#config/catalogue.ts';
import { TRIAGE } from '#config/triage.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import {
  keywordModel,
  type RecordedSuggestion,
  suggest,
  type TriageExample,
  type TriageModel,
  trainModel,
  triageText,
} from '#domain/triage/model.ts';

/**
 * How long a function keeps the model it read before reading it again (a retraining is daily).
 * No model yet is not kept: the first one trained is used from the next review on.
 */
const MODEL_CACHE_MS = 10 * 60 * 1000;
let cached: { table: string; model: TriageModel; readAt: number } | undefined;

async function currentModel(table: string, now: number): Promise<TriageModel | undefined> {
  if (cached && cached.table === table && now - cached.readAt < MODEL_CACHE_MS) return cached.model;
  const model = await getTriageModel(table);
  cached = model ? { table, model, readAt: now } : undefined;
  return model;
}

/** Forgets the model read (tests, and the training run after it writes a new one). */
export function forgetTriageModel(): void {
  cached = undefined;
}

/**
 * The category and department suggested for a complaint's words: by the stored model, or before
 * the first training run by the catalogue's keywords alone. Undefined when its text gives the
 * model nothing to go on.
 */
export async function suggestionFor(
  table: string,
  record: Pick<ComplaintRecord, 'content' | 'clarifiedPurpose'>,
  now = new Date(),
): Promise<RecordedSuggestion | undefined> {
  const stored = await currentModel(table, now.getTime());
  const suggestion = suggest(stored ?? keywordModel(now), triageText(record));
  if (!suggestion) return undefined;
  return { ...suggestion, at: now.toISOString(), ...(stored ? { modelTrainedAt: stored.trainedAt } : {}) };
}

export interface TrainingRun {
  readonly trainedAt: string;
  /** Signed complaints it learnt from. */
  readonly examples: number;
  readonly monthsRead: number;
  readonly features: number;
}

/** The `YYYY-MM` months from `count - 1` months before `now`'s (UTC, as the index keys them) to it. */
export function monthsBack(now: Date, count: number): string[] {
  const months: string[] = [];
  for (let back = count - 1; back >= 0; back--) {
    const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    months.push(at.toISOString().slice(0, 7));
  }
  return months;
}

/**
 * Retrains the suggestion on the company's signed supervisor reviews of the last
 * `TRIAGE.trainingMonths` (every area, by the area/month index: Query, never Scan) and stores
 * the model. A complaint counts when a supervisor signed it and it still has its words (not
 * erased under retention), with the category and department it carries now.
 */
export async function trainTriage(table: string, now = new Date()): Promise<TrainingRun> {
  const months = monthsBack(now, TRIAGE.trainingMonths);
  const examples: TriageExample[] = [];
  for (const area of AREAS) {
    for (const month of months) {
      for (const record of await signedComplaintsOfMonth(table, area.id, month)) {
        if (!record.supervisorReview || record.personalDataErased || !record.content) continue;
        if (!CATEGORY_IDS.includes(record.category as CategoryId)) continue;
        if (!DEPARTMENT_IDS.includes(record.department as DepartmentId)) continue;
        examples.push({
          text: record.content,
          category: record.category as CategoryId,
          department: record.department as DepartmentId,
        });
      }
    }
  }
  const model = trainModel(examples, { now });
  await putTriageModel(table, model);
  forgetTriageModel();
  return {
    trainedAt: model.trainedAt,
    examples: examples.length,
    monthsRead: months.length * AREAS.length,
    features: Object.keys(model.category.features).length,
  };
}
