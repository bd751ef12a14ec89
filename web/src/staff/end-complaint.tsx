import { useState } from 'preact/hooks';
import {
  ENDING_KINDS,
  type EndingKind,
  WITHDRAWAL_CHANNELS,
  type WithdrawalChannel,
} from '#config/procedure-names.ts';
import { PAST_ENDING_STEPS } from '#config/workflow.ts';
import { mayEndComplaint } from '#domain/access.ts';
import { ENDING_LIMITS } from '#domain/fields.ts';
import { type ApiError, api } from '../api.ts';
import type { Session } from '../auth.ts';
import { ErrorSummary, Field, Notice, useFieldErrors } from '../components.tsx';
import { t } from '../i18n.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';
import { type FieldErrors, fromServer } from '../validation.ts';
import type { Complaint } from './types.ts';

/** What went wrong, for the form's notice (a 409: closed, ended or closing meanwhile). */
function failureOf(error: ApiError): MessageKey {
  if (error.status === 409) return 'error.conflict';
  if (error.status === 403) return 'error.forbidden';
  if (error.status === 0) return 'error.network';
  return 'app.error';
}

interface EndingDraft {
  kind: EndingKind;
  how: WithdrawalChannel | '';
  to: string;
  reason: string;
  confirmed: boolean;
}

/**
 * The form's fields by the API's names, prefixed: the page also has the move form, whose
 * `reason` field would otherwise share its element id (components.tsx fieldId).
 */
const F = {
  how: 'ending.how',
  to: 'ending.to',
  reason: 'ending.reason',
  confirmed: 'ending.confirmed',
} as const;

function check(draft: EndingDraft): FieldErrors {
  const errors: FieldErrors = {};
  if (draft.kind === 'withdrawn' && !draft.how) errors[F.how] = 'error.choose';
  if (draft.kind === 'referred') {
    if (!draft.to.trim()) errors[F.to] = 'error.required';
    else if (draft.to.trim().length > ENDING_LIMITS.referredTo) errors[F.to] = 'error.tooLong';
  }
  if (!draft.reason.trim()) errors[F.reason] = 'error.required';
  else if (draft.reason.trim().length > ENDING_LIMITS.reason) errors[F.reason] = 'error.tooLong';
  if (!draft.confirmed) errors[F.confirmed] = 'error.required';
  return errors;
}

/**
 * *Withdraw or refer* (issue 17): the owner withdraws the complaint (reception, follow-up staff,
 * the supervisor or head office record it), or the supervisor refers a matter that is not the
 * company's. Only the kinds this person may record are offered; a confirmation box stands
 * before the button, since the complaint then goes straight to its closing note and filing.
 */
export function EndComplaintForm({
  session,
  complaint,
  onEnded,
}: {
  session: Session;
  complaint: Complaint;
  onEnded: () => void;
}) {
  const kinds = ENDING_KINDS.filter((kind) => mayEndComplaint(session, kind, complaint));
  const [draft, setDraft] = useState<EndingDraft>({
    kind: kinds[0] ?? 'withdrawn',
    how: '',
    to: '',
    reason: '',
    confirmed: false,
  });
  const problems = useFieldErrors();
  const [failure, setFailure] = useState<MessageKey | undefined>();
  const [sending, setSending] = useState(false);
  // Ended already: the workflow may not have reached its closing note yet, but nothing is left to end.
  if (
    !kinds.length ||
    complaint.ending ||
    complaint.status !== 'open' ||
    PAST_ENDING_STEPS.includes(complaint.currentStep)
  ) {
    return null;
  }
  const labels = {
    kind: t('ending.kind'),
    [F.how]: t('ending.how'),
    [F.to]: t('ending.to'),
    [F.reason]: t(draft.kind === 'withdrawn' ? 'ending.reason.withdrawn' : 'ending.reason.referred'),
    [F.confirmed]: t('ending.confirm'),
  };
  const change = (field: keyof EndingDraft, value: EndingDraft[keyof EndingDraft]) => {
    const next = { ...draft, [field]: value } as EndingDraft;
    setDraft(next);
    problems.edited(field === 'kind' ? Object.values(F) : F[field], check(next));
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    const found = check(draft);
    problems.found(found);
    if (Object.keys(found).length) return;
    setSending(true);
    try {
      const body =
        draft.kind === 'withdrawn'
          ? { kind: 'withdrawn', how: draft.how, reason: draft.reason.trim() }
          : { kind: 'referred', to: draft.to.trim(), reason: draft.reason.trim() };
      await api('POST', `/api/complaints/${encodeURIComponent(complaint.ref)}/ending`, body);
      onEnded();
    } catch (e) {
      const error = e as ApiError;
      if (error.status === 400) {
        const found = fromServer(error.fields);
        problems.fromApi(
          Object.fromEntries(Object.entries(found).map(([field, key]) => [`ending.${field}`, key])),
        );
      } else setFailure(failureOf(error));
    } finally {
      setSending(false);
    }
  };
  return (
    <section class="card" aria-labelledby="ending-heading">
      <details>
        <summary>
          <h2 id="ending-heading">{t('ending.title')}</h2>
        </summary>
        <p class="hint">{t('ending.intro')}</p>
        <form onSubmit={(e) => void submit(e)} noValidate data-testid="end-complaint">
          <ErrorSummary errors={problems.errors} labels={labels} />
          {kinds.length > 1 ? (
            <fieldset class="field">
              <legend>{labels.kind}</legend>
              {kinds.map((kind) => (
                <label key={kind} class="choice">
                  <input
                    type="radio"
                    name="kind"
                    value={kind}
                    checked={draft.kind === kind}
                    onChange={() => change('kind', kind)}
                  />{' '}
                  {t(`ending.kind.${kind}`)}
                </label>
              ))}
            </fieldset>
          ) : (
            <p>
              <strong>{t(`ending.kind.${draft.kind}`)}</strong>
            </p>
          )}
          {draft.kind === 'withdrawn' ? (
            <Field field={F.how} label={labels[F.how]} errors={problems.errors}>
              {(attributes) => (
                <select
                  {...attributes}
                  value={draft.how}
                  onChange={(e) => change('how', e.currentTarget.value as WithdrawalChannel)}
                >
                  <option value="">—</option>
                  {WITHDRAWAL_CHANNELS.map((how) => (
                    <option key={how} value={how}>
                      {t(`withdrawnBy.${how}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : (
            <Field field={F.to} label={labels[F.to]} errors={problems.errors} hint={t('ending.toHint')}>
              {(attributes) => (
                <input
                  {...attributes}
                  type="text"
                  maxLength={ENDING_LIMITS.referredTo}
                  value={draft.to}
                  onInput={(e) => change('to', e.currentTarget.value)}
                />
              )}
            </Field>
          )}
          <Field field={F.reason} label={labels[F.reason]} errors={problems.errors}>
            {(attributes) => (
              <textarea
                {...attributes}
                rows={3}
                maxLength={ENDING_LIMITS.reason}
                value={draft.reason}
                onInput={(e) => change('reason', e.currentTarget.value)}
              />
            )}
          </Field>
          <Field field={F.confirmed} label={labels[F.confirmed]} errors={problems.errors}>
            {(attributes) => (
              <input
                {...attributes}
                type="checkbox"
                checked={draft.confirmed}
                onChange={(e) => change('confirmed', e.currentTarget.checked)}
              />
            )}
          </Field>
          {failure ? <Notice kind="error">{t(failure)}</Notice> : null}
          <button type="submit" disabled={sending}>
            {t('ending.submit')}
          </button>
        </form>
      </details>
    </section>
  );
}

/** How the complaint ended early, in a line (the complaint page and Form 17). */
export function endingText(ending: NonNullable<Complaint['ending']>, withSigner = true): string {
  const text =
    ending.kind === 'withdrawn'
      ? t('ending.shown.withdrawn', { how: t(`withdrawnBy.${ending.how}`), reason: ending.reason })
      : t('ending.shown.referred', { to: ending.to, reason: ending.reason });
  // Form 17 signs it in its own signature line.
  return withSigner ? `${text} — ${ending.name ?? ending.by}` : text;
}
