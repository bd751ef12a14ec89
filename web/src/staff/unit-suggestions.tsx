import { useState } from 'preact/hooks';
import { mayCorrectField } from '#domain/access.ts';
import { CORRECTION_LIMITS } from '#domain/fields.ts';
import { type ApiError, api } from '../api.ts';
import type { Session } from '../auth.ts';
import { Notice } from '../components.tsx';
import { t } from '../i18n.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';
import type { Complaint } from './types.ts';

/**
 * The complaint page's *Unit in the register* card, for a complaint not yet tied to a unit:
 * intake's *unit unknown* flag, and the units the API suggests (what the text names, where the
 * sender's contact is registered), each with a button that sets it — a correction of
 * `registerUnit`, with the reason staff give (the API audits it and clears the flag).
 */
export function UnitSuggestions({
  session,
  complaint,
  onPicked,
}: {
  session: Session;
  complaint: Complaint;
  onPicked: () => void;
}) {
  const [reason, setReason] = useState(t('unit.pickReasonDefault'));
  const [failure, setFailure] = useState<MessageKey | undefined>();
  const [sending, setSending] = useState<string | undefined>();
  if (complaint.registerUnit) return null;
  const suggestions = complaint.unitSuggestions ?? [];
  if (!complaint.unitUnknown && !suggestions.length) return null;
  const mayPick =
    complaint.status === 'open' &&
    complaint.currentStep !== 'filed' &&
    mayCorrectField(session, complaint, 'registerUnit');

  const pick = async (id: string) => {
    setFailure(undefined);
    if (!reason.trim()) {
      setFailure('unit.reasonRequired');
      return;
    }
    setSending(id);
    try {
      await api('POST', `/api/complaints/${encodeURIComponent(complaint.ref)}/corrections`, {
        version: complaint.version ?? 0,
        reason: reason.trim(),
        changes: { registerUnit: id },
      });
      onPicked();
    } catch (e) {
      const status = (e as ApiError).status;
      setFailure(
        status === 409
          ? 'unit.pickConflict'
          : status === 403
            ? 'error.forbidden'
            : status === 0
              ? 'error.network'
              : 'unit.pickFailed',
      );
    } finally {
      setSending(undefined);
    }
  };

  return (
    <section class="card" aria-labelledby="unit-heading" data-testid="unit-suggestions">
      <h2 id="unit-heading">{t('field.registerUnit')}</h2>
      {complaint.unitUnknown ? (
        <p data-testid="unit-unknown">
          <span class="badge badge--unverified">{t('unit.unknown')}</span> {t('unit.unknownText')}
        </p>
      ) : null}
      {failure ? <Notice kind="error">{t(failure)}</Notice> : null}
      {suggestions.length ? (
        <>
          <p>{t('unit.suggestions')}</p>
          {mayPick ? (
            <label class="field">
              {t('correct.reason')}
              <input
                type="text"
                name="unit-reason"
                maxLength={CORRECTION_LIMITS.reason}
                value={reason}
                onInput={(event) => setReason((event.currentTarget as HTMLInputElement).value)}
              />
            </label>
          ) : null}
          <ul class="unit-suggestions">
            {suggestions.map((unit) => (
              <li key={unit.id}>
                <span>{`${unit.estate} ${unit.building} ${unit.unit}`}</span>{' '}
                <span class="sub">
                  {unit.source === 'text'
                    ? t('unit.fromText', { text: unit.text ?? '' })
                    : t('unit.fromContact')}
                </span>{' '}
                {mayPick ? (
                  <button type="button" disabled={sending !== undefined} onClick={() => void pick(unit.id)}>
                    {t('unit.pick', { unit: `${unit.building} ${unit.unit}` })}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>{t('unit.noSuggestions')}</p>
      )}
    </section>
  );
}
