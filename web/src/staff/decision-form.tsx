import { useState } from 'preact/hooks';
import { CATEGORIES, DEPARTMENTS } from '#config/catalogue.ts';
import { type ApiError, api } from '../api.ts';
import { Choice, DateTimeInput, ErrorSummary, Field, useFieldErrors } from '../components.tsx';
import { categoryName, departmentName, formatDateTime, t, tOr } from '../i18n.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';
import { type FieldErrors, fromServer, parseDayMonthYear } from '../validation.ts';
import { CallPanel, type TaskOutcome } from './call-panel.tsx';
import { OcrSuggestion, ocrPrefill } from './ocr-suggestion.tsx';
import { TriageSuggestion } from './triage-suggestion.tsx';
import type { Complaint, OpenTask } from './types.ts';

/**
 * The form for each step's decision (the fields of lambdas/domain/decisions.ts
 * DECISION_SCHEMAS): an optional choice of action, then the fields that action needs.
 */
type Kind = 'textarea' | 'text' | 'datetime' | 'category' | 'department' | 'rating' | 'via' | 'yesno';

interface FieldSpec {
  readonly name: string;
  readonly label: MessageKey;
  readonly kind: Kind;
  /** Shown for these actions only. @default every action */
  readonly when?: readonly string[];
  readonly required?: boolean;
  readonly hint?: MessageKey;
}

interface StepForm {
  readonly actions?: readonly { value: string; label: MessageKey }[];
  readonly fields: readonly FieldSpec[];
  readonly submit?: MessageKey;
}

const note = (required: boolean, when?: string[]): FieldSpec => ({
  name: 'note',
  label: 'decision.note',
  kind: 'textarea',
  required,
  ...(when ? { when } : {}),
});
const resolveOrEscalate = (last: 'escalate' | 'close'): StepForm => ({
  actions: [
    { value: 'resolve', label: 'decision.resolve' },
    { value: last, label: last === 'escalate' ? 'decision.escalate' : 'decision.close' },
  ],
  fields: [
    note(true),
    {
      name: 'plannedCompletion',
      label: 'decision.newPlannedCompletion',
      kind: 'datetime',
      when: ['resolve'],
    },
  ],
});

export const STEP_FORMS: Record<string, StepForm> = {
  transcribeFax: {
    fields: [
      { name: 'content', label: 'decision.faxContent', kind: 'textarea', required: true },
      { name: 'owner.name', label: 'field.ownerName', kind: 'text' },
      { name: 'owner.phone', label: 'field.phone', kind: 'text' },
      { name: 'owner.email', label: 'field.email', kind: 'text' },
      { name: 'building', label: 'field.building', kind: 'text' },
      { name: 'unit', label: 'field.unit', kind: 'text' },
    ],
  },
  clarify: {
    fields: [
      { name: 'clarifiedPurpose', label: 'decision.clarifiedPurpose', kind: 'textarea', required: true },
    ],
  },
  acknowledgeCall: {
    fields: [{ name: 'reached', label: 'decision.reached', kind: 'yesno', required: true }, note(false)],
  },
  supervisorReview: {
    actions: [
      { value: 'sign', label: 'decision.sign' },
      { value: 'reject', label: 'decision.reject' },
    ],
    fields: [
      { name: 'opinion', label: 'decision.opinion', kind: 'textarea', required: true, when: ['sign'] },
      { name: 'category', label: 'field.category', kind: 'category', required: true, when: ['sign'] },
      {
        name: 'department',
        label: 'complaint.department',
        kind: 'department',
        required: true,
        when: ['sign'],
      },
      { name: 'reason', label: 'decision.reason', kind: 'textarea', required: true, when: ['reject'] },
    ],
  },
  departmentCommitment: {
    fields: [
      { name: 'plannedStart', label: 'decision.plannedStart', kind: 'datetime', required: true },
      { name: 'plannedCompletion', label: 'decision.plannedCompletion', kind: 'datetime', required: true },
    ],
  },
  ownerPlanResponse: {
    actions: [
      { value: 'accept', label: 'decision.accept' },
      { value: 'object', label: 'decision.object' },
    ],
    fields: [{ name: 'comments', label: 'decision.comments', kind: 'textarea' }],
  },
  workInProgress: {
    actions: [
      { value: 'done', label: 'decision.done' },
      { value: 'obstacle', label: 'decision.obstacle' },
    ],
    fields: [
      {
        name: 'completedAt',
        label: 'decision.completedAt',
        kind: 'datetime',
        when: ['done'],
        hint: 'decision.completedAtHint',
      },
      note(false, ['done']),
      {
        name: 'obstacle',
        label: 'decision.obstacleText',
        kind: 'textarea',
        required: true,
        when: ['obstacle'],
      },
    ],
  },
  // One line for the owner's progress notice (lambdas/domain/progress.ts).
  progressUpdate: {
    fields: [
      {
        name: 'update',
        label: 'decision.progressUpdate',
        kind: 'text',
        required: true,
        hint: 'decision.progressUpdateHint',
      },
    ],
  },
  obstacleCoordination: resolveOrEscalate('escalate'),
  escalationSupervisor: resolveOrEscalate('escalate'),
  escalationCustomerService: resolveOrEscalate('escalate'),
  escalationManager: resolveOrEscalate('close'),
  // Answered another way than by the call-back (a rating given on the phone is the call panel's).
  satisfactionCallback: {
    fields: [
      { name: 'rating', label: 'decision.rating', kind: 'rating', required: true },
      { name: 'via', label: 'decision.via', kind: 'via', required: true },
      { name: 'comments', label: 'decision.comments', kind: 'textarea' },
    ],
  },
  dissatisfactionReview: {
    actions: [
      { value: 'reopen', label: 'decision.reopen' },
      { value: 'close', label: 'decision.close' },
    ],
    fields: [note(true)],
  },
  // A step that failed after its retries (the failure is shown above the form): skipping it or
  // closing the complaint leaves the procedure's path, so both say why.
  resolveWorkflowError: {
    actions: [
      { value: 'retry', label: 'decision.retry' },
      { value: 'skip', label: 'decision.skip' },
      { value: 'close-by-error', label: 'decision.closeByError' },
    ],
    fields: [
      note(false, ['retry']),
      {
        name: 'reason',
        label: 'decision.reason',
        kind: 'textarea',
        required: true,
        when: ['skip', 'close-by-error'],
      },
    ],
  },
  // A department's long pause (lambdas/domain/pause.ts): refusing says why.
  pauseApproval: {
    actions: [
      { value: 'approve', label: 'decision.approvePause' },
      { value: 'refuse', label: 'decision.refusePause' },
    ],
    fields: [note(false, ['approve']), note(true, ['refuse'])],
  },
  supervisorSignOff: { fields: [note(false)], submit: 'decision.countersign' },
  filing: {
    fields: [{ name: 'location', label: 'decision.location', kind: 'text' }],
    submit: 'decision.file',
  },
};

const RATINGS = ['satisfied', 'basically-satisfied', 'dissatisfied'] as const;
/** How else an owner gives their rating: by phone it comes with its call (call-panel.tsx). */
const VIA = ['email', 'visit'] as const;

/** A typed date and time as the API takes it, if it is one. */
const isoOf = (typed: string | undefined) => {
  const parsed = parseDayMonthYear(typed ?? '');
  return 'iso' in parsed ? parsed.iso : undefined;
};

/** Which datetime a step must have in the future, and which it must not. */
function checkTimes(
  step: string,
  task: OpenTask,
  complaint: Complaint,
  action: string,
  values: Record<string, string>,
  errors: FieldErrors,
) {
  const now = Date.now();
  for (const [name, raw] of Object.entries(values)) {
    if (!raw || !STEP_FORMS[step]?.fields.some((f) => f.name === name && f.kind === 'datetime')) continue;
    const parsed = parseDayMonthYear(raw);
    if (!('iso' in parsed)) errors[name] = parsed.problem;
    else if (name === 'completedAt' && Date.parse(parsed.iso) > now) errors[name] = 'error.notFuture';
    else if (name === 'plannedCompletion' && Date.parse(parsed.iso) <= now) errors[name] = 'error.future';
  }
  // Done before the department's own committed start: the API wants a note saying why.
  const plannedStart = complaint.commitment?.plannedStart;
  const doneAt = values.completedAt ? isoOf(values.completedAt) : new Date(now).toISOString();
  if (
    step === 'workInProgress' &&
    action === 'done' &&
    plannedStart &&
    doneAt &&
    Date.parse(doneAt) < Date.parse(plannedStart) &&
    !values.note?.trim()
  ) {
    errors.note = 'error.earlyNote';
  }
  const start = isoOf(values.plannedStart);
  const end = isoOf(values.plannedCompletion);
  if (
    step === 'departmentCommitment' &&
    start &&
    end &&
    Date.parse(end) <= Date.parse(start) &&
    !errors.plannedCompletion
  ) {
    errors.plannedCompletion = 'error.after';
  }
  const needsDate =
    step === 'obstacleCoordination' ||
    (step.startsWith('escalation') && task.late?.step === 'workInProgress');
  if (needsDate && action === 'resolve' && !values.plannedCompletion)
    errors.plannedCompletion = 'error.datetime';
}

/**
 * The open task's form. A step that is a phone call to the owner (the task carries its `call`)
 * is answered through its call log, whose reached call records the decision; its step's own
 * form stays below for an owner who answered another way (in person, by email), except the
 * acknowledgement by phone, which is nothing but its call.
 */
export function DecisionForm({
  complaint,
  task,
  onDone,
  onCategory,
}: {
  complaint: Complaint;
  task: OpenTask;
  onDone: (outcome: TaskOutcome) => void;
  /** The category picked in the form, as it is picked (the related panel's live repeat hint). */
  onCategory?: (category: string) => void;
}) {
  if (!task.call) {
    return (
      <StepForm complaint={complaint} task={task} onDone={onDone} {...(onCategory ? { onCategory } : {})} />
    );
  }
  return (
    <>
      <CallPanel complaint={complaint} task={task} call={task.call} onDone={onDone} />
      {task.step === 'acknowledgeCall' ? null : (
        <details class="other-answer" data-testid="other-answer">
          <summary>{t('call.otherWay')}</summary>
          <StepForm complaint={complaint} task={task} onDone={onDone} />
        </details>
      )}
    </>
  );
}

/** What failed, for customer service to decide on: the step (by its name when it is a person's) and the error. */
function FailureSummary({ failure }: { failure: NonNullable<OpenTask['failure']> }) {
  return (
    <div class="notice" role="note" data-testid="workflow-failure">
      <p>{t('decision.failure')}</p>
      <dl>
        <dt>{t('decision.failedStep')}</dt>
        <dd>
          {failure.step ? `${tOr(`step.${failure.step}`, failure.state)} (${failure.state})` : failure.state}
        </dd>
        {failure.error?.Error ? (
          <>
            <dt>{t('decision.failedError')}</dt>
            <dd>
              <code>{failure.error.Error}</code>
              {failure.error.Cause ? <pre class="prewrap">{failure.error.Cause}</pre> : null}
            </dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}

function StepForm({
  complaint,
  task,
  onDone,
  onCategory,
}: {
  complaint: Complaint;
  task: OpenTask;
  onDone: (outcome: TaskOutcome) => void;
  onCategory?: (category: string) => void;
}) {
  const form = STEP_FORMS[task.step] ?? { fields: [] };
  const [action, setAction] = useState(form.actions?.[0]?.value ?? '');
  const [values, setValues] = useState<Record<string, string>>(() => ({
    ...(complaint.category ? { category: complaint.category } : {}),
    // A fax's fields as OCR read them: a start the clerk checks, never submitted by itself.
    ...(task.step === 'transcribeFax' ? ocrPrefill(complaint.ocr) : {}),
  }));
  const problems = useFieldErrors();
  const errors = problems.errors;
  const [sending, setSending] = useState(false);
  const [failed, setFailed] = useState(false);

  const fieldsFor = (chosen: string) =>
    form.fields.filter((field) => !field.when || field.when.includes(chosen));
  const shown = fieldsFor(action);
  const labels: Record<string, string> = { action: t('decision.action') };
  for (const field of shown) labels[field.name] = t(field.label);

  /** The browser's check of the step's form: what is missing or wrong, by field. */
  const check = (chosen: string, typed: Record<string, string>): FieldErrors => {
    const found: FieldErrors = {};
    const fields = fieldsFor(chosen);
    if (form.actions && !chosen) found.action = 'error.choose';
    for (const field of fields) {
      if (field.required && !typed[field.name]?.trim()) {
        found[field.name] = ['rating', 'via', 'yesno', 'category', 'department'].includes(field.kind)
          ? 'error.choose'
          : field.kind === 'datetime'
            ? 'error.datetime'
            : 'error.required';
      }
    }
    const visible = Object.fromEntries(fields.map((field) => [field.name, typed[field.name] ?? '']));
    checkTimes(task.step, task, complaint, chosen, visible, found);
    return found;
  };
  /** A field changed: its problem goes once it is fixed. */
  const change = (name: string, value: string) => {
    const next = { ...values, [name]: value };
    setValues(next);
    if (name === 'category') onCategory?.(value);
    problems.edited(name, check(action, next));
  };
  /** *Use suggestion* (issue 19 §3): the suggested category and department into the form, at one click. */
  const useSuggestion = (picked: { category: string; department: string }) => {
    const next = { ...values, ...picked };
    setValues(next);
    onCategory?.(picked.category);
    problems.edited(['category', 'department'], check(action, next));
  };
  const choose = (next: string) => {
    setAction(next);
    problems.edited('action', check(next, values));
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailed(false);
    const found = check(action, values);
    problems.found(found);
    if (Object.keys(found).length) return;

    const body: Record<string, unknown> = form.actions ? { action } : {};
    for (const field of shown) {
      const value = values[field.name]?.trim();
      if (!value) continue;
      const typed =
        field.kind === 'datetime' ? isoOf(value) : field.kind === 'yesno' ? value === 'yes' : value;
      // `owner.name` → { owner: { name } }, as the API's schema nests it.
      const [outer, inner] = field.name.split('.');
      if (outer && inner) body[outer] = { ...(body[outer] as object | undefined), [inner]: typed };
      else body[field.name] = typed;
    }
    setSending(true);
    try {
      await api('POST', `/api/tasks/${encodeURIComponent(task.id)}/complete`, body);
      onDone('done');
    } catch (error) {
      const e = error as ApiError;
      if (e.status === 400) problems.fromApi(fromServer(e.fields));
      else if (e.status === 409 || e.status === 404) onDone('conflict');
      else if (e.status === 403) onDone('forbidden');
      else setFailed(true);
    } finally {
      setSending(false);
    }
  };

  const input = (field: FieldSpec) => {
    const onInput = (event: Event) => change(field.name, (event.currentTarget as HTMLInputElement).value);
    const value = values[field.name] ?? '';
    if (field.kind === 'rating' || field.kind === 'via' || field.kind === 'yesno') {
      const options =
        field.kind === 'rating'
          ? RATINGS.map((r) => ({ value: r, label: t(`rating.${r}`) }))
          : field.kind === 'via'
            ? VIA.map((v) => ({ value: v, label: t(`via.${v}`) }))
            : [
                { value: 'yes', label: t('app.yes') },
                { value: 'no', label: t('app.no') },
              ];
      return (
        <Choice
          key={field.name}
          field={field.name}
          legend={t(field.label)}
          options={options}
          value={value}
          onChange={(next) => change(field.name, next)}
          errors={errors}
        />
      );
    }
    return (
      <Field
        key={field.name}
        field={field.name}
        label={t(field.label)}
        errors={errors}
        optional={!field.required && field.kind !== 'datetime'}
        {...(field.hint ? { hint: t(field.hint) } : {})}
      >
        {(a) =>
          field.kind === 'textarea' ? (
            <textarea {...a} rows={3} value={value} onInput={onInput} />
          ) : field.kind === 'datetime' ? (
            <DateTimeInput attributes={a} value={value} onInput={onInput} />
          ) : field.kind === 'category' || field.kind === 'department' ? (
            <select {...a} value={value} onChange={onInput}>
              <option value="">{t('field.choose')}</option>
              {(field.kind === 'category' ? CATEGORIES : DEPARTMENTS).map((item) => (
                <option key={item.id} value={item.id}>
                  {field.kind === 'category' ? categoryName(item.id) : departmentName(item.id)}
                </option>
              ))}
            </select>
          ) : (
            <input {...a} type="text" value={value} onInput={onInput} />
          )
        }
      </Field>
    );
  };

  return (
    <form class="form decision" onSubmit={submit} noValidate data-step={task.step}>
      <ErrorSummary errors={errors} labels={labels} />
      {failed ? (
        <p class="error" role="alert">
          {t('app.error')}
        </p>
      ) : null}
      {task.failure ? <FailureSummary failure={task.failure} /> : null}
      {task.step === 'pauseApproval' && complaint.pause ? (
        <div class="notice" role="note" data-testid="pause-asked">
          <p>
            <strong>{t('pause.askedTitle')}</strong>{' '}
            {tOr(`pauseReason.${complaint.pause.reason}`, complaint.pause.reason)}
            {complaint.pause.until
              ? ` · ${t('pause.until', { at: formatDateTime(complaint.pause.until) })}`
              : ` · ${t('pause.untilEvent')}`}
          </p>
          {complaint.pause.note ? <p class="prewrap">{complaint.pause.note}</p> : null}
        </div>
      ) : null}
      {form.actions ? (
        <Choice
          field="action"
          legend={t('decision.action')}
          options={form.actions.map((a) => ({ value: a.value, label: t(a.label) }))}
          value={action}
          onChange={choose}
          errors={errors}
        />
      ) : null}
      {task.step === 'supervisorReview' && action === 'sign' && complaint.suggestion ? (
        <TriageSuggestion suggestion={complaint.suggestion} onUse={useSuggestion} />
      ) : null}
      {task.step === 'transcribeFax' && complaint.ocr ? <OcrSuggestion ocr={complaint.ocr} /> : null}
      {shown.map(input)}
      <div class="actions">
        <button type="submit" class="primary" disabled={sending}>
          {t(form.submit ?? 'decision.submit')}
        </button>
      </div>
    </form>
  );
}
