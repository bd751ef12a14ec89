import { getPartition } from '#adapters/complaints.ts';
import { getOwnerLink, restoreOwnerLink, spendOwnerLink } from '#adapters/owner-link-store.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { ConflictError, StateConflictError } from '#domain/errors.ts';
import { linkProblem, OWNER_ANSWER_SCHEMAS, OWNER_LINK_MESSAGES } from '#domain/owner-link.ts';
import { problemAnswer } from '#services/owner-link-problems.ts';
import { completeTask } from '#services/record-decision.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/** The owner, as the audit trail and Form 17 name them when they answer through their link. */
const OWNER_ACTOR = 'owner';

/**
 * `POST /api/owner/{linkId}` (no sign-in): the owner accepts or objects to the plan, or rates
 * the finished work. It completes the open task of that step exactly as a staff member's
 * answer would (services/complete-task.ts), signed by the owner, and spends the link: a
 * second answer, an expired link, or a question already answered by phone gets a polite
 * 410/409 in the owner's language.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const now = new Date();
  const linkId = event.pathParameters?.linkId ?? '';
  const link = await getOwnerLink(TABLE_NAME, linkId);
  const problem = linkProblem(link, now);
  if (!link || problem) return problemAnswer(problem ?? 'unknown', link?.language);

  const answer = parseBody(event, OWNER_ANSWER_SCHEMAS[link.step]);
  const { tasks } = await getPartition(TABLE_NAME, link.ref);
  const task = tasks.find((t) => t.status === 'open' && t.step === link.step);
  if (!task) return problemAnswer('closed', link.language);

  if (!(await spendOwnerLink(TABLE_NAME, link.id, now))) {
    const again = await getOwnerLink(TABLE_NAME, link.id);
    return problemAnswer(linkProblem(again, now) ?? 'used', link.language);
  }
  const decision = link.step === 'satisfactionCallback' ? { ...answer, via: 'owner-page' } : answer;
  try {
    await completeTask(TABLE_NAME, task, decision, {
      by: OWNER_ACTOR,
      role: OWNER_ACTOR,
      at: now.toISOString(),
    });
  } catch (error) {
    // Staff recorded the answer a moment ago, or the step timed out: the link stays spent.
    if (error instanceof ConflictError || error instanceof StateConflictError) {
      return problemAnswer('closed', link.language);
    }
    await restoreOwnerLink(TABLE_NAME, link.id);
    throw error;
  }
  logger.info('Owner answered through their link', { ref: link.ref, step: link.step });
  metrics.addMetric('OwnerLinkAnswers', 'Count', 1);
  return json(200, {
    status: 'answered',
    ref: link.ref,
    step: link.step,
    language: link.language,
    message: OWNER_LINK_MESSAGES.answered[link.language],
  });
}, apiErrors());
