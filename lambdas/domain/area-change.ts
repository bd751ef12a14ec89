import * as z from 'zod';
import { AREAS, areaById } from '#config/areas.ts';
import { ValidationError } from './errors.ts';
import { lazily } from './lazy.ts';
import { textString } from './text.ts';

/**
 * Moving a complaint to another area (`POST /api/complaints/{ref}/area`). Email intake cannot
 * tell which building an owner lives in, so an emailed complaint starts in the intake address's
 * default area; the staff who find it there move it to the right one.
 */
export const AreaChangeInput = lazily(() =>
  z.object({
    area: z
      .string({ error: 'Choose the area to move the complaint to' })
      .refine(
        (id) => areaById(id) !== undefined,
        `Choose one of the areas: ${AREAS.map((a) => a.id).join(', ')}`,
      ),
    reason: textString({ error: 'Write why the complaint belongs to that area' })
      .trim()
      .min(1, 'Write why the complaint belongs to that area')
      .max(1000, 'Keep the reason under 1,000 characters'),
  }),
);
export type AreaChangeInput = z.infer<typeof AreaChangeInput>;

/** Moving to the area it is already in is a mistake in the form, not a no-op to accept silently. */
export function requireDifferentArea(current: string, requested: string): void {
  if (current === requested) {
    throw new ValidationError([{ field: 'area', message: `The complaint is already in ${requested}` }]);
  }
}
