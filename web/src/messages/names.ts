import { CHANNEL_NAMES, type Names, namesIn } from '#config/catalogue.ts';
import {
  CALL_RESULT_NAMES,
  OUTCOME_NAMES,
  PAUSE_REASON_NAMES,
  RATING_NAMES,
  STEP_NAMES,
  WITHDRAWAL_CHANNEL_NAMES,
} from '#config/procedure-names.ts';
import { ROLE_NAMES } from '#config/roles.ts';

function prefixed<P extends string, K extends string>(
  prefix: P,
  names: Record<K, Names>,
  language: keyof Names,
): Record<`${P}.${K}`, string> {
  return Object.fromEntries(
    Object.entries(namesIn(names, language)).map(([id, name]) => [`${prefix}.${id}`, name]),
  ) as Record<`${P}.${K}`, string>;
}

/**
 * The catalogue entries whose words are written in config/ (with the report and the emails
 * reading the same): `channel.*`, `role.*`, `step.*` for the procedure's steps, `outcome.*`, `rating.*`,
 * `callResult.*` (the call log), `withdrawnBy.*` (how an owner withdrew).
 * Each catalogue spreads these in, so pages keep asking `t('channel.phone')`.
 */
export function configNames(language: keyof Names) {
  return {
    ...prefixed('channel', CHANNEL_NAMES, language),
    ...prefixed('role', ROLE_NAMES, language),
    ...prefixed('step', STEP_NAMES, language),
    ...prefixed('outcome', OUTCOME_NAMES, language),
    ...prefixed('rating', RATING_NAMES, language),
    ...prefixed('callResult', CALL_RESULT_NAMES, language),
    ...prefixed('withdrawnBy', WITHDRAWAL_CHANNEL_NAMES, language),
    ...prefixed('pauseReason', PAUSE_REASON_NAMES, language),
  };
}
