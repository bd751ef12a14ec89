import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '#config/functions.ts';
import type { TrainingRun } from '#services/triage.ts';
import { invokeLocal, type LocalHandler } from '../../local/runtime/lambda-runtime.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';

/**
 * The category and department suggestion (issue 19 §3) on the local stack, real ASL and
 * handlers: a new complaint's supervisor review opens with a suggestion from its words
 * (`GET /api/complaints/{ref}` `suggestion`), first from the catalogue's keywords; signing
 * records whether the supervisor took it or overrode it; the daily training run learns from
 * the signed reviews and the next complaint's suggestion comes from that model.
 */
let t: TestStack;
let api: ReturnType<typeof staffClient>;
let train: LocalHandler;

beforeAll(async () => {
  t = await startTestStack();
  api = staffClient(t);
  train = (await import('../../lambdas/train-triage-model.ts')).handler as LocalHandler;
});
afterEach(async () => {
  await t.stopRunningExecutions();
});
afterAll(async () => {
  await t?.stop();
});

const RECEPTION = 'reception.kowloon-east';
const SUPERVISOR = 'supervisor.kowloon-east';

interface Suggested {
  category: string;
  department: string;
  confidence: number;
  modelTrainedAt?: string;
  outcome?: { category: string; department: string };
}
interface Complaint {
  suggestion?: Suggested;
  category?: string;
  timeline: { action: string; details?: Record<string, unknown> }[];
}

/** A phone complaint with these words, waiting on the supervisor's review. */
async function atReview(content: string, phone: string): Promise<{ ref: string; taskId: string }> {
  const first = t.recordTasks();
  const created = await api.post<{ ref: string }>(RECEPTION, '/api/complaints', {
    channel: 'phone',
    area: 'kowloon-east',
    owner: { name: '陳大文', phone },
    content,
    checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const ref = created.body.ref;
  expect((await first(ref)).stateName).toBe('Supervisor review');
  const tasks = await api.get<{ items: { id: string; ref: string; step: string }[] }>(
    SUPERVISOR,
    '/api/tasks',
  );
  const task = tasks.body.items.find((item) => item.ref === ref && item.step === 'supervisorReview');
  expect(task).toBeDefined();
  return { ref, taskId: task?.id ?? '' };
}

const complaint = async (ref: string) =>
  (await api.get<Complaint>(SUPERVISOR, `/api/complaints/${ref}`)).body;

const sign = async (taskId: string, category: string, department: string) => {
  const answer = await api.post(SUPERVISOR, `/api/tasks/${encodeURIComponent(taskId)}/complete`, {
    action: 'sign',
    opinion: '安排跟進',
    category,
    department,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
};

describe('category and department suggestion', () => {
  it('suggests from the keywords, records accepted and overridden, then learns from the signed reviews', async () => {
    const leak = await atReview('浴室天花板滲水，油漆起泡，懷疑樓上喉管漏水。', '+852 9100 0001');
    const shown = await complaint(leak.ref);
    expect(shown.suggestion).toMatchObject({ category: 'water-leak', department: 'engineering' });
    expect(shown.suggestion?.confidence).toBeGreaterThan(0);
    expect(shown.suggestion?.confidence).toBeLessThanOrEqual(1);
    expect(shown.suggestion?.modelTrainedAt).toBeUndefined(); // no model yet: the keywords
    // Never filled in by itself: the record has no category until the supervisor signs.
    expect(shown.category).toBeUndefined();
    await sign(leak.taskId, 'water-leak', 'engineering');
    const signed = await complaint(leak.ref);
    expect(signed.suggestion?.outcome).toEqual({ category: 'accepted', department: 'accepted' });
    expect(signed.timeline.find((line) => line.action === 'supervisor-signed')?.details?.suggestion).toEqual({
      category: 'accepted',
      department: 'accepted',
    });

    // This office sends late-night noise to security: the supervisor overrides the department.
    const noise = await atReview('隔籬單位半夜開派對，噪音好大，嘈到瞓唔到。', '+852 9100 0002');
    expect((await complaint(noise.ref)).suggestion).toMatchObject({
      category: 'noise',
      department: 'management-office',
    });
    await sign(noise.taskId, 'noise', 'security');
    expect((await complaint(noise.ref)).suggestion?.outcome).toEqual({
      category: 'accepted',
      department: 'overridden',
    });

    // The daily run learns from both signed reviews and stores the model the next review uses.
    const run = (await invokeLocal(train, FUNCTIONS.trainTriageModel.id, {
      scheduledTime: new Date().toISOString(),
    })) as TrainingRun;
    expect(run.examples).toBe(2);
    const next = await atReview('Water is leaking from the ceiling of my bathroom.', '+852 9100 0003');
    expect((await complaint(next.ref)).suggestion).toMatchObject({
      category: 'water-leak',
      department: 'engineering',
      modelTrainedAt: run.trainedAt,
    });
  });
});
