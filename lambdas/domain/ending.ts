import * as z from 'zod';
import { ENDING_KINDS, WITHDRAWAL_CHANNELS } from '#config/procedure-names.ts';
import { PAST_ENDING_STEPS } from '#config/workflow.ts';
import type { ComplaintEnding, ComplaintRecord } from './complaint.ts';
import { ENDING_LIMITS } from './fields.ts';
import { textString } from './text.ts';

/**
 * A complaint that ends before its procedure does (issue 17, point 4), and is filed all the
 * same, never deleted:
 * - **withdrawn**: the owner withdraws it: on the phone or in person (staff record it), in a
 *   letter, or by email (a verified reply that says so: domain/mail/withdrawal.ts);
 * - **referred**: the supervisor finds it is not the company's business (a neighbour dispute,
 *   a government or utility matter) and refers it, saying to whom.
 * The workflow then goes straight to the closing note (which tells the owner why it ends),
 * filing and the archive: the waiting task fails with `Complaint.Ended`, which every human
 * step of the state machine catches (statemachine/generate.ts), and a task the workflow opens
 * afterwards fails the same way at once (services/open-task.ts). Who records which ending:
 * domain/access.ts mayEndComplaint.
 */

/** The error the waiting task fails with, caught by each human step of the state machine. */
export { ENDED_ERROR } from '#config/workflow.ts';

const reasonOf = (what: string) =>
  textString({ error: `Write ${what}` })
    .trim()
    .min(1, `Write ${what}`)
    .max(ENDING_LIMITS.reason, `Keep it under ${ENDING_LIMITS.reason.toLocaleString('en-US')} characters`);

export const EndingInput = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('withdrawn'),
      how: z.enum(WITHDRAWAL_CHANNELS, `Choose how the owner told you: ${WITHDRAWAL_CHANNELS.join(', ')}`),
      reason: reasonOf('what the owner said (why they withdraw)'),
    }),
    z.object({
      kind: z.literal('referred'),
      to: textString({ error: 'Write to whom the matter is referred (e.g. 水務署, the owners’ corporation)' })
        .trim()
        .min(1, 'Write to whom the matter is referred (e.g. 水務署, the owners’ corporation)')
        .max(ENDING_LIMITS.referredTo, `Keep it under ${ENDING_LIMITS.referredTo} characters`),
      reason: reasonOf('why it is not the company’s to handle'),
    }),
  ],
  { error: `Choose what ends the complaint: ${ENDING_KINDS.join(' or ')}` },
);
export type EndingInput = z.infer<typeof EndingInput>;

/** Why the complaint cannot end now (undefined: it can). */
export function endingStateProblem(
  record: Pick<ComplaintRecord, 'ref' | 'status' | 'currentStep'> & { ending?: ComplaintEnding },
): string | undefined {
  if (record.status === 'closed') return `Complaint ${record.ref} is closed and filed`;
  if (record.ending) {
    return `Complaint ${record.ref} was already ${record.ending.kind} by ${record.ending.name ?? record.ending.by}`;
  }
  if (PAST_ENDING_STEPS.includes(record.currentStep)) {
    return `Complaint ${record.ref} is being closed (its closing note is out): it is filed as it is`;
  }
  return undefined;
}
