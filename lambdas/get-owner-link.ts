import { getPartition } from '#adapters/complaints.ts';
import { getOwnerLink } from '#adapters/owner-link-store.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import { linkProblem } from '#domain/owner-link.ts';
import { problemAnswer } from '#services/owner-link-problems.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `GET /api/owner/{linkId}` (no sign-in): what the owner's emailed link asks — the plan to
 * accept or object to, or the finished work to rate — in the owner's language. It only reads:
 * mail scanners fetch links before people do. A used, expired or closed link answers 410/409
 * with a polite message in the owner's language. `answerBy` is the step's deadline, the one
 * the email told the owner; `expiresAt` is how long the link keeps working.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const now = new Date();
  const link = await getOwnerLink(TABLE_NAME, event.pathParameters?.linkId ?? '');
  const problem = linkProblem(link, now);
  if (!link || problem) return problemAnswer(problem ?? 'unknown', link?.language);
  const { record, tasks } = await getPartition(TABLE_NAME, link.ref);
  const open = tasks.find((task) => task.status === 'open' && task.step === link.step);
  if (!record || !open) return problemAnswer('closed', link.language);
  return json(200, {
    status: 'open',
    ref: link.ref,
    step: link.step,
    language: link.language,
    // The deadline the workflow enforces (and the email gave): the link itself works longer.
    answerBy: open.dueAt,
    expiresAt: link.expiresAt,
    complaint: ownerView(record),
  });
}, apiErrors());

/** What the owner sees of their complaint: no contact details, nothing about staff. */
function ownerView(record: ComplaintRecord) {
  return {
    receivedAt: record.receivedAt,
    ...(record.category ? { category: record.category } : {}),
    ...(record.building ? { building: record.building } : {}),
    ...(record.unit ? { unit: record.unit } : {}),
    ...(record.department ? { department: record.department } : {}),
    ...(record.supervisorReview ? { opinion: record.supervisorReview.opinion } : {}),
    ...(record.commitment
      ? {
          plannedStart: record.commitment.plannedStart,
          plannedCompletion: record.commitment.plannedCompletion,
        }
      : {}),
    ...(record.actualCompletion ? { actualCompletion: record.actualCompletion } : {}),
  };
}
