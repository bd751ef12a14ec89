import * as z from 'zod';
import { DEPARTMENT_IDS } from '#config/catalogue.ts';
import { StateConflictError, ValidationError } from '#domain/errors.ts';
import { textString } from '#domain/text.ts';
import { lazily } from '../lazy.ts';
import { RECTIFICATION_STATUSES, type RectificationItem, TRANSITIONS } from './rectification.ts';

/** `PATCH /api/rectifications/{id}`: what customer service may change. */
export const RectificationUpdate = lazily(() =>
  z
    .object({
      version: z.number({ error: 'Give the version you edited (from the item)' }).int().min(1),
      problem: textString().trim().min(1, 'Describe the problem').max(5000).optional(),
      measures: textString().trim().min(1, 'Describe the measures').max(5000).optional(),
      department: z
        .enum(DEPARTMENT_IDS, { error: `Choose a department: ${DEPARTMENT_IDS.join(', ')}` })
        .optional(),
      dueDate: z.iso.date({ error: 'Give the due date as YYYY-MM-DD' }).optional(),
      status: z
        .enum(RECTIFICATION_STATUSES, { error: `Choose a status: ${RECTIFICATION_STATUSES.join(', ')}` })
        .optional(),
      note: textString().trim().min(1, 'Write the note').max(2000).optional(),
    })
    .refine((u) => Object.keys(u).some((k) => k !== 'version'), {
      message: 'Change at least one of problem, measures, department, dueDate, status, note',
      path: ['body'],
    }),
);
export type RectificationUpdate = z.infer<typeof RectificationUpdate>;

/**
 * The item after an edit, or a ValidationError (a field's problem) or StateConflictError (an
 * edit of a stale version, or a status that cannot follow the current one).
 */
export function applyUpdate(
  item: RectificationItem,
  update: RectificationUpdate,
  actor: { by: string; role: string; at: string },
): RectificationItem {
  if (update.version !== item.version) {
    throw new StateConflictError(
      `The item changed since you opened it (version ${item.version}, you edited ${update.version}): reload it`,
    );
  }
  const status = update.status ?? item.status;
  if (update.status && update.status !== item.status && !TRANSITIONS[item.status].includes(update.status)) {
    throw new ValidationError([
      {
        field: 'status',
        message: `A ${item.status} item can become ${TRANSITIONS[item.status].join(' or ')}, not ${update.status}`,
      },
    ]);
  }
  const measures = update.measures ?? item.measures;
  if (status === 'approved' && item.status !== 'approved' && !measures) {
    throw new ValidationError([{ field: 'measures', message: 'Describe the measures before approving' }]);
  }
  if (update.dueDate && update.dueDate < item.createdAt.slice(0, 10)) {
    throw new ValidationError([
      { field: 'dueDate', message: 'The due date cannot be before the item was drafted' },
    ]);
  }
  const changedStatus = update.status !== undefined && update.status !== item.status;
  const noteText = update.note ?? (changedStatus ? `${item.status} → ${status}` : undefined);
  return {
    ...item,
    ...(update.problem !== undefined ? { problem: update.problem } : {}),
    ...(measures !== undefined ? { measures } : {}),
    ...(update.department ? { department: update.department } : {}),
    ...(update.dueDate ? { dueDate: update.dueDate } : {}),
    status,
    ...(changedStatus && status === 'approved' ? { approvedAt: actor.at, approvedBy: actor.by } : {}),
    ...(changedStatus && status === 'done' ? { doneAt: actor.at } : {}),
    notes: noteText
      ? [
          ...item.notes,
          {
            at: actor.at,
            by: actor.by,
            role: actor.role,
            text: noteText,
            ...(changedStatus ? { status } : {}),
          },
        ]
      : item.notes,
    updatedAt: actor.at,
    updatedBy: actor.by,
    version: item.version + 1,
  };
}
