import { useState } from 'preact/hooks';
import { PAUSE_REASONS, type PauseReason } from '#config/procedure-names.ts';
import { PAUSABLE_STEPS } from '#config/workflow.ts';
import { mayPauseTask } from '#domain/access.ts';
import { PAUSE_LIMITS } from '#domain/fields.ts';
import { type ApiError, api } from '../api.ts';
import type { Session } from '../auth.ts';
import { DateTimeInput, ErrorSummary, Field, Notice, useFieldErrors } from '../components.tsx';
import { formatDateTime, t } from '../i18n.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';
import { type FieldErrors, fromServer, parseDayMonthYear } from '../validation.ts';
import type { OpenTask } from './types.ts';

/** The form's fields, prefixed: the page has other forms with a `note` (components.tsx fieldId). */
const F = { reason: 'pause.reason', until: 'pause.until', note: 'pause.note' } as const;

interface PauseDraft {
  reason: PauseReason | '';
  until: string;
  note: string;
}

function check(draft: PauseDraft): { errors: FieldErrors; until?: string } {
  const errors: FieldErrors = {};
  if (!draft.reason) errors[F.reason] = 'error.choose';
  let until: string | undefined;
  if (draft.until.trim()) {
    const parsed = parseDayMonthYear(draft.until);
    if ('problem' in parsed) errors[F.until] = parsed.problem;
    else if (Date.parse(parsed.iso) <= Date.now()) errors[F.until] = 'error.future';
    else until = parsed.iso;
  }
  const note = draft.note.trim();
  // "Other" says what; a pause without a date says which event it waits for.
  if (!note && (draft.reason === 'other' || !draft.until.trim())) errors[F.note] = 'error.pauseNote';
  if (note.length > PAUSE_LIMITS.note) errors[F.note] = 'error.tooLong';
  return { errors, ...(until ? { until } : {}) };
}

/**
 * *Pause the clock* on a department's commitment or work, or the supervisor's obstacle (issue
 * 17): the work waits on the owner, a supplier or a government department. With a resume date,
 * or until an event; the owner is told; the deadline stops and resumes with the business time
 * it had left. A paused task shows why and until when, and *Resume now*.
 */
export function PausePanel({
  session,
  task,
  onDone,
}: {
  session: Session;
  task: OpenTask;
  /** `approval`: the pause waits for the supervisor's approval before the clock stops. */
  onDone: (approval: boolean) => void;
}) {
  const [draft, setDraft] = useState<PauseDraft>({ reason: '', until: '', note: '' });
  const problems = useFieldErrors();
  const [failure, setFailure] = useState<MessageKey | undefined>();
  const [sending, setSending] = useState(false);
  if (!(PAUSABLE_STEPS as readonly string[]).includes(task.step) || !mayPauseTask(session, task)) return null;

  const send = async (path: string, body?: unknown) => {
    setFailure(undefined);
    setSending(true);
    try {
      const answer = await api<{ approval?: string }>(
        'POST',
        `/api/tasks/${encodeURIComponent(task.id)}/${path}`,
        body,
      );
      onDone(answer?.approval === 'requested');
    } catch (e) {
      const error = e as ApiError;
      if (error.status === 400) {
        const found = fromServer(error.fields);
        problems.fromApi(
          Object.fromEntries(Object.entries(found).map(([field, key]) => [`pause.${field}`, key])),
        );
      } else
        setFailure(
          error.status === 409 ? 'error.conflict' : error.status === 403 ? 'error.forbidden' : 'app.error',
        );
    } finally {
      setSending(false);
    }
  };

  if (task.paused) {
    return (
      <div class="notice" role="note" data-testid="paused">
        <p>
          <strong>{t('pause.pausedTitle')}</strong> {t(`pauseReason.${task.paused.reason as PauseReason}`)}
          {task.paused.until
            ? ` · ${t('pause.until', { at: formatDateTime(task.paused.until) })}`
            : ` · ${t('pause.untilEvent')}`}
        </p>
        {task.paused.note ? <p class="prewrap">{task.paused.note}</p> : null}
        {failure ? <Notice kind="error">{t(failure)}</Notice> : null}
        <button type="button" disabled={sending} onClick={() => void send('resume')}>
          {t('pause.resume')}
        </button>
      </div>
    );
  }

  const labels = {
    [F.reason]: t('pause.reason'),
    [F.until]: t('pause.untilLabel'),
    [F.note]: t('pause.note'),
  };
  const change = (field: keyof PauseDraft, value: string) => {
    const next = { ...draft, [field]: value } as PauseDraft;
    setDraft(next);
    problems.edited(F[field], check(next).errors);
  };
  const submit = (event: Event) => {
    event.preventDefault();
    const { errors, until } = check(draft);
    problems.found(errors);
    if (Object.keys(errors).length) return;
    void send('pause', {
      reason: draft.reason,
      ...(until ? { until } : {}),
      ...(draft.note.trim() ? { note: draft.note.trim() } : {}),
    });
  };
  return (
    <details class="other-answer" data-testid="pause-panel">
      <summary>{t('pause.title')}</summary>
      <p class="hint">{t('pause.intro')}</p>
      {/* A department's long pause waits for the supervisor (lambdas/domain/pause.ts needsApproval). */}
      {session.role === 'department' ? (
        <p class="hint" data-testid="pause-approval-hint">
          {t('pause.approvalHint')}
        </p>
      ) : null}
      <form onSubmit={submit} noValidate data-testid="pause-form">
        <ErrorSummary errors={problems.errors} labels={labels} />
        <Field field={F.reason} label={labels[F.reason]} errors={problems.errors}>
          {(attributes) => (
            <select
              {...attributes}
              value={draft.reason}
              onChange={(e) => change('reason', e.currentTarget.value)}
            >
              <option value="">{t('field.choose')}</option>
              {PAUSE_REASONS.map((reason) => (
                <option key={reason} value={reason}>
                  {t(`pauseReason.${reason}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          field={F.until}
          label={labels[F.until]}
          errors={problems.errors}
          hint={t('pause.untilHint')}
          optional
        >
          {(attributes) => (
            <DateTimeInput
              attributes={attributes}
              value={draft.until}
              onInput={(e) => change('until', (e.currentTarget as HTMLInputElement).value)}
            />
          )}
        </Field>
        <Field
          field={F.note}
          label={labels[F.note]}
          errors={problems.errors}
          hint={t('pause.noteHint')}
          optional
        >
          {(attributes) => (
            <textarea
              {...attributes}
              rows={2}
              maxLength={PAUSE_LIMITS.note}
              value={draft.note}
              onInput={(e) => change('note', e.currentTarget.value)}
            />
          )}
        </Field>
        {failure ? <Notice kind="error">{t(failure)}</Notice> : null}
        <button type="submit" disabled={sending}>
          {t('pause.submit')}
        </button>
      </form>
    </details>
  );
}
