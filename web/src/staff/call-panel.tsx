import { useState } from 'preact/hooks';
import { CALL_RESULTS } from '#config/procedure-names.ts';
import { CALL_LIMITS } from '#domain/fields.ts';
import { type ApiError, api } from '../api.ts';
import { Choice, DateTimeInput, ErrorSummary, Field, fieldId, Notice } from '../components.tsx';
import { actorName, formatDateTime, roleName, t, tOr } from '../i18n.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';
import {
  dayMonthYear,
  type FieldErrors,
  fromServer,
  parseDayMonthYear,
  validateCall,
} from '../validation.ts';
import type { CallAttempt, Complaint, OpenTask } from './types.ts';

/**
 * The call log on a task whose step is a phone call to the owner (clarify, acknowledge by
 * phone, the plan to an owner without email, the satisfaction call-back): the calls so far,
 * a form to log one — the number picked from the owner's phones (or typed), when, the result,
 * what was said, and with a reached call the step's decision — and, once enough calls went
 * unanswered, the step's "not reached" outcome. The API's rules: lambdas/domain/calls.ts.
 */
export type TaskOutcome = 'done' | 'logged' | 'conflict' | 'forbidden';

interface ReachedField {
  readonly name: string;
  readonly label: MessageKey;
  readonly kind: 'textarea' | 'rating' | 'plan';
  readonly required?: boolean;
}

/** What a reached call records for its step (the API's `decision`, by its fields). */
const REACHED_FIELDS: Record<string, readonly ReachedField[]> = {
  clarify: [
    {
      name: 'decision.clarifiedPurpose',
      label: 'decision.clarifiedPurpose',
      kind: 'textarea',
      required: true,
    },
  ],
  acknowledgeCall: [],
  ownerPlanResponse: [
    { name: 'decision.action', label: 'decision.action', kind: 'plan', required: true },
    { name: 'decision.comments', label: 'decision.comments', kind: 'textarea' },
  ],
  satisfactionCallback: [
    { name: 'decision.rating', label: 'decision.rating', kind: 'rating', required: true },
    { name: 'decision.comments', label: 'decision.comments', kind: 'textarea' },
  ],
};
const RATINGS = ['satisfied', 'basically-satisfied', 'dissatisfied'] as const;
const PLAN_ANSWERS = [
  { value: 'accept', label: 'decision.accept' },
  { value: 'object', label: 'decision.object' },
] as const;
/** The number-picker's choice of a number the owner did not give. */
const OTHER = 'other';

/** The numbers on the record to pick the one dialled from: the owner's, and their second contact's. */
function ownerPhones(complaint: Complaint): { phone: string; label: string }[] {
  const { phone, secondContact } = complaint.owner;
  return [
    ...(phone ? [{ phone, label: t('call.ownerPhone', { phone }) }] : []),
    ...(secondContact?.phone && secondContact.phone !== phone
      ? [
          {
            phone: secondContact.phone,
            label: t('call.secondContactPhone', {
              phone: secondContact.phone,
              name: secondContact.name ?? t('correct.secondContact'),
            }),
          },
        ]
      : []),
  ];
}

export function CallPanel({
  complaint,
  task,
  call,
  onDone,
}: {
  complaint: Complaint;
  task: OpenTask;
  call: NonNullable<OpenTask['call']>;
  onDone: (outcome: TaskOutcome) => void;
}) {
  const phones = ownerPhones(complaint);
  const [picked, setPicked] = useState(phones[0]?.phone ?? OTHER);
  const [typed, setTyped] = useState('');
  const [calledAt, setCalledAt] = useState(() => dayMonthYear(new Date()));
  const [result, setResult] = useState('');
  const [notes, setNotes] = useState('');
  const [decision, setDecision] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [sending, setSending] = useState(false);
  const [failed, setFailed] = useState(false);
  const [logged, setLogged] = useState<CallAttempt | undefined>();

  const reachedFields = REACHED_FIELDS[task.step] ?? [];
  const number = picked === OTHER ? typed : picked;
  const unanswered = call.attempts.filter((attempt) => attempt.result !== 'reached').length;
  const labels: Record<string, string> = {
    number: t('call.number'),
    calledAt: t('call.calledAt'),
    result: t('call.result'),
    notes: t('call.notes'),
  };
  for (const field of reachedFields) labels[field.name] = t(field.label);

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailed(false);
    setLogged(undefined);
    const reached = result === 'reached';
    const found = validateCall(
      { number, calledAt, result, notes, decision: reached ? decision : {} },
      task,
      reachedFields.filter((field) => field.required).map((field) => field.name),
    );
    setErrors(found);
    if (Object.keys(found).length) return;
    const at = parseDayMonthYear(calledAt);
    const decided = Object.fromEntries(
      reachedFields
        .map((field) => [field.name.slice('decision.'.length), decision[field.name]?.trim() ?? ''])
        .filter(([, value]) => value),
    );
    const body = {
      number: number.trim(),
      ...('iso' in at ? { calledAt: at.iso } : {}),
      result,
      ...(notes.trim() ? { notes: notes.trim() } : {}),
      ...(reached && reachedFields.length ? { decision: decided } : {}),
    };
    setSending(true);
    try {
      const answer = await api<{ status: string; call: CallAttempt }>(
        'POST',
        `/api/tasks/${encodeURIComponent(task.id)}/calls`,
        body,
      );
      if (answer.status === 'completed') {
        onDone('done');
        return;
      }
      // Ready for the next call: the number stays, the rest starts again.
      setLogged(answer.call);
      setResult('');
      setNotes('');
      setDecision({});
      setCalledAt(dayMonthYear(new Date()));
      onDone('logged');
    } catch (error) {
      const e = error as ApiError;
      if (e.status === 400) setErrors(fromServer(e.fields));
      else if (e.status === 409 || e.status === 404) onDone('conflict');
      else if (e.status === 403) onDone('forbidden');
      else setFailed(true);
    } finally {
      setSending(false);
    }
  };

  const reachedInput = (field: ReachedField) => {
    const value = decision[field.name] ?? '';
    const set = (next: string) => setDecision((d) => ({ ...d, [field.name]: next }));
    if (field.kind === 'textarea') {
      return (
        <Field
          key={field.name}
          field={field.name}
          label={t(field.label)}
          errors={errors}
          optional={!field.required}
        >
          {(a) => <textarea {...a} rows={2} value={value} onInput={(e) => set(e.currentTarget.value)} />}
        </Field>
      );
    }
    const options =
      field.kind === 'rating'
        ? RATINGS.map((r) => ({ value: r, label: t(`rating.${r}`) }))
        : PLAN_ANSWERS.map((a) => ({ value: a.value, label: t(a.label) }));
    return (
      <Choice
        key={field.name}
        field={field.name}
        legend={t(field.label)}
        options={options}
        value={value}
        onChange={set}
        errors={errors}
      />
    );
  };

  return (
    <section class="call-panel" aria-labelledby="call-heading" data-testid="call-panel">
      <h3 id="call-heading">{t('call.title')}</h3>
      <p class="hint">{t('call.intro')}</p>
      <CallList attempts={call.attempts} />
      {logged ? (
        <Notice kind="success">
          {t('call.logged', { n: logged.attempt, result: t(`callResult.${logged.result}`) })}
        </Notice>
      ) : null}
      <form class="form call-form" onSubmit={submit} noValidate data-testid="call-form">
        <ErrorSummary errors={errors} labels={labels} />
        {failed ? (
          <p class="error" role="alert">
            {t('app.error')}
          </p>
        ) : null}
        <NumberPicker
          phones={phones}
          picked={picked}
          typed={typed}
          onPick={setPicked}
          onType={setTyped}
          errors={errors}
        />
        <Field field="calledAt" label={t('call.calledAt')} hint={t('call.calledAtHint')} errors={errors}>
          {(a) => (
            <DateTimeInput
              attributes={a}
              value={calledAt}
              onInput={(e) => setCalledAt((e.currentTarget as HTMLInputElement).value)}
            />
          )}
        </Field>
        <Choice
          field="result"
          legend={t('call.result')}
          options={CALL_RESULTS.map((r) => ({ value: r, label: t(`callResult.${r}`) }))}
          value={result}
          onChange={setResult}
          errors={errors}
        />
        <Field field="notes" label={t('call.notes')} errors={errors} optional>
          {(a) => (
            <textarea
              {...a}
              rows={3}
              maxLength={CALL_LIMITS.notes}
              value={notes}
              onInput={(e) => setNotes(e.currentTarget.value)}
            />
          )}
        </Field>
        {result === 'reached' && reachedFields.length ? (
          <div class="call-reached" data-testid="call-reached">
            <p class="hint">{t('call.reachedIntro')}</p>
            {reachedFields.map(reachedInput)}
          </div>
        ) : null}
        <div class="actions">
          <button type="submit" class="primary" disabled={sending}>
            {t('call.submit')}
          </button>
        </div>
      </form>
      {unanswered >= call.unreachedAfter ? (
        <UnreachedForm task={task} unanswered={unanswered} onDone={onDone} />
      ) : (
        <p class="hint" data-testid="call-until-unreached">
          {t('call.untilUnreached', { n: call.unreachedAfter - unanswered })}
        </p>
      )}
    </section>
  );
}

/** The owner's numbers to pick the one dialled from, or another typed in. */
function NumberPicker({
  phones,
  picked,
  typed,
  onPick,
  onType,
  errors,
}: {
  phones: { phone: string; label: string }[];
  picked: string;
  typed: string;
  onPick: (value: string) => void;
  onType: (value: string) => void;
  errors: FieldErrors;
}) {
  const id = fieldId('number');
  const error = errors.number;
  const typedInput = (attributes: Record<string, unknown>) => (
    <input
      {...attributes}
      type="text"
      inputMode="tel"
      autoComplete="off"
      value={typed}
      onInput={(e) => onType(e.currentTarget.value)}
    />
  );
  // No number on record (an owner who gave an email only): the number is typed.
  if (!phones.length) {
    return (
      <Field field="number" label={t('call.number')} errors={errors}>
        {typedInput}
      </Field>
    );
  }
  return (
    <fieldset
      class={`field choice${error ? ' field--invalid' : ''}`}
      id={id}
      tabIndex={-1}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend>{t('call.number')}</legend>
      {[...phones, { phone: OTHER, label: t('call.otherNumber') }].map(({ phone, label }) => (
        <label class="choice__option" key={phone}>
          <input
            type="radio"
            name="number"
            value={phone}
            checked={picked === phone}
            onChange={() => onPick(phone)}
          />{' '}
          {label}
        </label>
      ))}
      {picked === OTHER
        ? typedInput({
            id: `${id}-typed`,
            'aria-label': t('call.otherNumberInput'),
            'aria-invalid': error ? 'true' : undefined,
          })
        : null}
      {error ? (
        <p class="error" id={`${id}-error`} role="alert" data-field="number">
          {t(error)}
        </p>
      ) : null}
    </fieldset>
  );
}

/** The calls of the task so far, numbered, with who made them and what was said. */
export function CallList({ attempts }: { attempts: readonly CallAttempt[] }) {
  if (!attempts.length) return <p data-testid="call-attempts">{t('call.none')}</p>;
  return (
    <ol class="calls" data-testid="call-attempts">
      {attempts.map((attempt) => (
        <li key={attempt.attempt} data-result={attempt.result}>
          <strong>{t('call.attempt', { n: attempt.attempt })}</strong>{' '}
          <span class="sub">{formatDateTime(attempt.calledAt)}</span> {attempt.number}{' '}
          <span class={`badge badge--call-${attempt.result}`}>{t(`callResult.${attempt.result}`)}</span>{' '}
          <span class="sub">
            {t('app.actor', { name: actorName(attempt.by, attempt.byName), role: roleName(attempt.role) })}
          </span>
          {attempt.notes ? <p class="prewrap call-notes">{attempt.notes}</p> : null}
        </li>
      ))}
    </ol>
  );
}

/** The step's "not reached" outcome, offered once the configured number of calls went unanswered. */
function UnreachedForm({
  task,
  unanswered,
  onDone,
}: {
  task: OpenTask;
  unanswered: number;
  onDone: (outcome: TaskOutcome) => void;
}) {
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [sending, setSending] = useState(false);
  const [failed, setFailed] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setFailed(false);
    if (note.length > CALL_LIMITS.notes) {
      setErrors({ unreachedNote: 'error.tooLong' });
      return;
    }
    setErrors({});
    setSending(true);
    try {
      await api('POST', `/api/tasks/${encodeURIComponent(task.id)}/complete`, {
        outcome: 'unreached',
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      onDone('done');
    } catch (error) {
      const e = error as ApiError;
      if (e.status === 400) {
        const server = fromServer(e.fields);
        setErrors(server.note ? { unreachedNote: server.note } : server);
      } else if (e.status === 409 || e.status === 404) onDone('conflict');
      else if (e.status === 403) onDone('forbidden');
      else setFailed(true);
    } finally {
      setSending(false);
    }
  };
  return (
    <section class="call-unreached" aria-labelledby="call-unreached-heading" data-testid="call-unreached">
      <h4 id="call-unreached-heading">{t('call.unreachedTitle')}</h4>
      <p>
        {t('call.unreachedOffer', { n: unanswered })} {tOr(`call.unreached.${task.step}`, '')}
      </p>
      <form onSubmit={submit} noValidate>
        <ErrorSummary errors={errors} labels={{ unreachedNote: t('call.unreachedNote') }} />
        {failed ? (
          <p class="error" role="alert">
            {t('app.error')}
          </p>
        ) : null}
        <Field field="unreachedNote" label={t('call.unreachedNote')} errors={errors} optional>
          {(a) => (
            <textarea
              {...a}
              rows={2}
              maxLength={CALL_LIMITS.notes}
              value={note}
              onInput={(e) => setNote(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" disabled={sending}>
          {t('call.unreachedSubmit')}
        </button>
      </form>
    </section>
  );
}
