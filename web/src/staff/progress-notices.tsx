import { useState } from 'preact/hooks';
import { maySwitchProgressNotices } from '#domain/access.ts';
import { PROGRESS_LIMITS } from '#domain/fields.ts';
import { type ApiError, api } from '../api.ts';
import type { Session } from '../auth.ts';
import { ErrorSummary, Field, Notice, useFieldErrors } from '../components.tsx';
import { formatDateTime, t } from '../i18n.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';
import { type FieldErrors, fromServer } from '../validation.ts';
import type { Complaint } from './types.ts';

/** The reason field by its API name, prefixed: the page's other forms have a `reason` too. */
const REASON = 'progress.reason';

function check(reason: string): FieldErrors {
  if (!reason.trim()) return { [REASON]: 'error.required' };
  if (reason.trim().length > PROGRESS_LIMITS.reason) return { [REASON]: 'error.tooLong' };
  return {};
}

/**
 * *Progress notices* (issue 17 §3): while work is in progress the owner is told how it goes
 * every few working days (lambdas/domain/progress.ts). Everyone who sees the complaint sees
 * when the next is due and how many went; the area's supervisor or head office turns them off
 * for this complaint, with a reason, or on again.
 */
export function ProgressNotices({
  session,
  complaint,
  onSwitched,
}: {
  session: Session;
  complaint: Complaint;
  onSwitched: (off: boolean) => void;
}) {
  const [reason, setReason] = useState('');
  const problems = useFieldErrors();
  const [failure, setFailure] = useState<MessageKey | undefined>();
  const [sending, setSending] = useState(false);
  const progress = complaint.progress;
  const off = complaint.progressOff;
  const may = maySwitchProgressNotices(session, complaint);
  // Nothing to say before the work starts, unless they were turned off already.
  if (complaint.status !== 'open' || (!progress && !off)) return null;
  const send = async (body: { off: true; reason: string } | { off: false }) => {
    setFailure(undefined);
    setSending(true);
    try {
      await api('POST', `/api/complaints/${encodeURIComponent(complaint.ref)}/progress-notices`, body);
      onSwitched(body.off);
    } catch (e) {
      const error = e as ApiError;
      if (error.status === 400) {
        const found = fromServer(error.fields);
        problems.fromApi(
          Object.fromEntries(Object.entries(found).map(([field, key]) => [`progress.${field}`, key])),
        );
      } else
        setFailure(
          error.status === 409 ? 'error.conflict' : error.status === 403 ? 'error.forbidden' : 'app.error',
        );
    } finally {
      setSending(false);
    }
  };
  const submitOff = (event: Event) => {
    event.preventDefault();
    const found = check(reason);
    problems.found(found);
    if (Object.keys(found).length) return;
    void send({ off: true, reason: reason.trim() });
  };
  const last = progress?.updates.at(-1);
  return (
    <section class="card" aria-labelledby="progress-heading" data-testid="progress-notices">
      <h2 id="progress-heading">{t('progress.title')}</h2>
      {off ? (
        <p data-testid="progress-off">{t('progress.off', { reason: off.reason })}</p>
      ) : progress?.nextAt ? (
        <p data-testid="progress-next">{t('progress.next', { at: formatDateTime(progress.nextAt) })}</p>
      ) : (
        <p>{t('progress.none')}</p>
      )}
      <p class="sub">{t('progress.sent', { n: progress?.notices ?? 0 })}</p>
      {last ? (
        <p data-testid="progress-last">
          {t('progress.last', { at: formatDateTime(last.at), text: last.text })}
        </p>
      ) : null}
      {may && off ? (
        <button type="button" disabled={sending} onClick={() => void send({ off: false })}>
          {t('progress.turnOn')}
        </button>
      ) : null}
      {may && !off ? (
        <details>
          <summary>{t('progress.turnOff')}</summary>
          <form onSubmit={submitOff} noValidate data-testid="progress-off-form">
            <ErrorSummary errors={problems.errors} labels={{ [REASON]: t('progress.reason') }} />
            <Field field={REASON} label={t('progress.reason')} errors={problems.errors}>
              {(attributes) => (
                <textarea
                  {...attributes}
                  rows={2}
                  maxLength={PROGRESS_LIMITS.reason}
                  value={reason}
                  onInput={(e) => {
                    setReason(e.currentTarget.value);
                    problems.edited([REASON], check(e.currentTarget.value));
                  }}
                />
              )}
            </Field>
            {failure ? <Notice kind="error">{t(failure)}</Notice> : null}
            <button type="submit" disabled={sending}>
              {t('progress.turnOffSubmit')}
            </button>
          </form>
        </details>
      ) : null}
      {failure && off ? <Notice kind="error">{t(failure)}</Notice> : null}
    </section>
  );
}
