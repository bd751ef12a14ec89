import { type CountResult, counterValue, countOnce } from '#adapters/mail-limits.ts';
import { type LimitScope, limitCounterKey } from '#domain/mail/keys.ts';
import { hourlyAllowance, hourWindowOf, previousHourWindowOf } from '#domain/mail/limits.ts';

/**
 * Takes one of the hour's `limit` for `subject` (a mailbox, a complaint) under `id` (the SES
 * message id, the complaint's reference): true when it was taken, now or by an earlier attempt
 * with the same id. The previous hour's count, no longer written to, lowers what this hour
 * allows (domain/mail/limits.ts hourlyAllowance).
 */
export async function takeHourlySlot(
  table: string,
  input: { scope: LimitScope; subject: string; id: string; limit: number; at: string },
): Promise<boolean> {
  const previous = await counterValue(
    table,
    limitCounterKey(input.scope, input.subject, { hour: previousHourWindowOf(input.at) }),
  );
  const key = limitCounterKey(input.scope, input.subject, { hour: hourWindowOf(input.at) });
  return taken(await countOnce(table, key, input.id, hourlyAllowance(input.limit, previous, input.at)));
}

/** Takes one of `limit` for `subject` for all time, under `id`, as takeHourlySlot does. */
export async function takeTotalSlot(
  table: string,
  input: { scope: LimitScope; subject: string; id: string; limit: number },
): Promise<boolean> {
  return taken(
    await countOnce(table, limitCounterKey(input.scope, input.subject, 'total'), input.id, input.limit),
  );
}

const taken = (result: CountResult) => result !== 'refused';
