import { useState } from 'preact/hooks';
import { CATEGORIES } from '#config/catalogue.ts';
import { mayAddNote, mayCorrectField, mayCorrectRecord } from '#domain/access.ts';
import { CORRECTABLE_FIELDS, CORRECTION_LIMITS, type CorrectableField, NOTE_LIMITS } from '#domain/fields.ts';
import { type ApiError, api } from '../api.ts';
import type { Session } from '../auth.ts';
import { ErrorSummary, Field, Notice } from '../components.tsx';
import { categoryName, t } from '../i18n.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';
import {
  type CorrectionValues,
  changedFields,
  correctionMax,
  type FieldErrors,
  fromServer,
  noteProblem,
  type TypedField,
  validateCorrection,
} from '../validation.ts';
import type { Complaint, TimelineEvent } from './types.ts';

/**
 * The complaint page's *Edit record* form and *Add internal note* box, and how their audit lines
 * read on the timeline and Form 17. The rules (who may correct which field, the limits) are the
 * API's own (lambdas/domain/access.ts, lambdas/domain/fields.ts); the API checks them again.
 */

const FIELD_LABELS: Record<CorrectableField, MessageKey> = {
  ownerName: 'correct.field.ownerName',
  ownerPhone: 'correct.field.ownerPhone',
  ownerEmail: 'correct.field.ownerEmail',
  secondContactName: 'correct.field.secondContactName',
  secondContactPhone: 'correct.field.secondContactPhone',
  secondContactEmail: 'correct.field.secondContactEmail',
  building: 'correct.field.building',
  unit: 'correct.field.unit',
  category: 'correct.field.category',
  content: 'correct.field.content',
  registerUnit: 'correct.field.registerUnit',
};

const isCorrectable = (field: unknown): field is CorrectableField =>
  (CORRECTABLE_FIELDS as readonly unknown[]).includes(field);

/** A corrected field's name, in the app's language (the API's name if it is new to the app). */
export function correctedFieldName(field: unknown): string {
  return isCorrectable(field) ? t(FIELD_LABELS[field]) : String(field);
}

/** A value of a corrected field as staff read it: a category by its name, an empty one said so. */
export function correctedValue(field: unknown, value: unknown): string {
  if (value === null || value === undefined || value === '') return t('correct.empty');
  return field === 'category' ? categoryName(String(value)) : String(value);
}

/** The longest value a timeline line shows inline; the content's full text is a click away. */
const INLINE_CHARS = 80;
const short = (text: string) =>
  [...text].length > INLINE_CHARS ? `${[...text].slice(0, INLINE_CHARS).join('')}…` : text;

/** A correction's line as the timeline says it: `Owner’s phone: +852 … → +852 …`. */
export function correctionSummary(event: TimelineEvent): string {
  const details = event.details ?? {};
  return t('correct.fromTo', {
    field: correctedFieldName(details.field),
    from: short(correctedValue(details.field, details.from)),
    to: short(correctedValue(details.field, details.to)),
  });
}

/** The full before and after of a long corrected value (the content), folded. */
export function CorrectionBeforeAfter({ event }: { event: TimelineEvent }) {
  const details = event.details ?? {};
  const long = [details.from, details.to].some(
    (value) => typeof value === 'string' && [...value].length > INLINE_CHARS,
  );
  if (!long) return null;
  return (
    <details class="correction-values">
      <summary>{t('correct.showValues')}</summary>
      <p class="sub">{t('correct.before')}</p>
      <p class="prewrap">{correctedValue(details.field, details.from)}</p>
      <p class="sub">{t('correct.after')}</p>
      <p class="prewrap">{correctedValue(details.field, details.to)}</p>
    </details>
  );
}

/**
 * The forms' own names for the API's `reason` and `text`: a field's DOM id comes from its name
 * (components.tsx fieldId), and the page has other forms with a reason (*Move to another area*).
 */
const REASON = 'correction.reason';
const NOTE_TEXT = 'note.text';

/** The API's (and validateCorrection's) `reason` under the form's own name. */
function ownFields(errors: FieldErrors): FieldErrors {
  const { reason, ...rest } = errors;
  return reason ? { ...rest, [REASON]: reason } : rest;
}

/** The problems the summary lists: "nothing changed" is said above the fields instead. */
function withoutChanges({ changes: _said, ...rest }: FieldErrors): FieldErrors {
  return rest;
}

/** The record's correctable values as the form holds them. */
function recordedValues(c: Complaint): CorrectionValues {
  const second = c.owner.secondContact;
  return {
    ownerName: c.owner.name,
    ownerPhone: c.owner.phone ?? '',
    ownerEmail: c.owner.email ?? '',
    secondContactName: second?.name ?? '',
    secondContactPhone: second?.phone ?? '',
    secondContactEmail: second?.email ?? '',
    building: c.building ?? '',
    unit: c.unit ?? '',
    category: c.category ?? '',
    content: c.content,
  };
}

/** Why the record cannot be corrected now (the API would answer 409), if it cannot. */
function stateProblem(c: Complaint): string | undefined {
  if (c.status === 'closed' || c.currentStep === 'filed') return t('correct.filed');
  if (c.currentStep === 'transcribeFax') return t('correct.transcribing');
  if ((c.version ?? 0) >= CORRECTION_LIMITS.perComplaint) {
    return t('correct.full', { n: CORRECTION_LIMITS.perComplaint });
  }
  return undefined;
}

/**
 * *Edit record*: the fields this member may correct, showing the record's values; only what
 * they change is sent, with a required reason and the version they saw. Someone else's change in
 * between is a 409, said plainly with a way to reload.
 */
export function EditRecordForm({
  session,
  complaint,
  onSaved,
  onReload,
}: {
  session: Session;
  complaint: Complaint;
  onSaved: () => void;
  onReload: () => void;
}) {
  const recorded = recordedValues(complaint);
  const [values, setValues] = useState<CorrectionValues>(recorded);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<MessageKey | undefined>();
  const [conflict, setConflict] = useState(false);
  const [sending, setSending] = useState(false);
  if (!mayCorrectRecord(session, complaint)) return null;
  // The register unit is picked from the register (UnitSuggestions), not typed here.
  const fields = CORRECTABLE_FIELDS.filter(
    (field): field is TypedField => field !== 'registerUnit' && mayCorrectField(session, complaint, field),
  );
  const blocked = stateProblem(complaint);
  const labels: Record<string, string> = {
    changes: t('correct.changes'),
    [REASON]: t('correct.reason'),
    ...Object.fromEntries(fields.map((field) => [`changes.${field}`, t(FIELD_LABELS[field])])),
  };
  const set = (field: TypedField) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setValues((current) => ({ ...current, [field]: value }));
    // A problem goes as soon as the field is being fixed.
    setErrors(({ [`changes.${field}`]: _fixed, changes: _nothing, ...rest }) => rest);
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    setConflict(false);
    const found = ownFields(validateCorrection(values, recorded, reason));
    setErrors(found);
    if (Object.keys(found).length) return;
    const changes = Object.fromEntries(
      changedFields(values, recorded).map((field) => [field, values[field].trim() || null]),
    );
    setSending(true);
    try {
      await api('POST', `/api/complaints/${encodeURIComponent(complaint.ref)}/corrections`, {
        version: complaint.version ?? 0,
        reason: reason.trim(),
        changes,
      });
      onSaved();
    } catch (e) {
      const error = e as ApiError;
      if (error.status === 400) setErrors(ownFields(fromServer(error.fields)));
      else if (error.status === 409) setConflict(true);
      else
        setFailure(
          error.status === 403 ? 'error.forbidden' : error.status === 0 ? 'error.network' : 'app.error',
        );
    } finally {
      setSending(false);
    }
  };
  const control = (field: TypedField, attributes: Record<string, unknown>) => {
    if (field === 'category') {
      return (
        <select {...attributes} value={values.category} onChange={set('category')}>
          {recorded.category ? null : <option value="">{t('field.categoryNone')}</option>}
          {CATEGORIES.map((category) => (
            <option key={category.id} value={category.id}>
              {categoryName(category.id)}
            </option>
          ))}
        </select>
      );
    }
    if (field === 'content') {
      return (
        <textarea
          {...attributes}
          rows={4}
          maxLength={correctionMax(field)}
          value={values.content}
          onInput={set('content')}
        />
      );
    }
    return (
      <input
        {...attributes}
        type="text"
        inputMode={field.endsWith('Email') ? 'email' : field.endsWith('Phone') ? 'tel' : 'text'}
        autoComplete="off"
        maxLength={correctionMax(field)}
        value={values[field]}
        onInput={set(field)}
      />
    );
  };
  return (
    <section class="card" aria-labelledby="edit-record-heading">
      <details>
        <summary>
          <h2 id="edit-record-heading">{t('correct.title')}</h2>
        </summary>
        <p class="hint">{t('correct.intro')}</p>
        {blocked ? (
          <p data-testid="edit-record-blocked">{blocked}</p>
        ) : (
          <form class="form" onSubmit={(e) => void submit(e)} noValidate data-testid="edit-record">
            <ErrorSummary errors={withoutChanges(errors)} labels={labels} />
            {errors.changes ? <Notice kind="error">{t(errors.changes)}</Notice> : null}
            <div class="row">
              {fields.map((field) => (
                <Field
                  key={field}
                  field={`changes.${field}`}
                  label={t(FIELD_LABELS[field])}
                  errors={errors}
                  {...(field === 'secondContactName' ? { hint: t('correct.secondContactHint') } : {})}
                >
                  {(attributes) => control(field, attributes)}
                </Field>
              ))}
            </div>
            <Field field={REASON} label={t('correct.reason')} errors={errors} hint={t('correct.reasonHint')}>
              {(attributes) => (
                <textarea
                  {...attributes}
                  rows={2}
                  maxLength={CORRECTION_LIMITS.reason}
                  value={reason}
                  onInput={(e) => {
                    setReason(e.currentTarget.value);
                    setErrors(({ [REASON]: _fixed, ...rest }) => rest);
                  }}
                />
              )}
            </Field>
            {conflict ? (
              <div class="notice notice--error" role="alert" data-testid="edit-record-conflict">
                <p>{t('correct.conflict')}</p>
                <button type="button" onClick={onReload}>
                  {t('correct.reload')}
                </button>
              </div>
            ) : null}
            {failure ? <Notice kind="error">{t(failure)}</Notice> : null}
            <button type="submit" class="primary" disabled={sending}>
              {sending ? t('correct.saving') : t('correct.submit')}
            </button>
          </form>
        )}
      </details>
    </section>
  );
}

/** *Add internal note*: a note for staff on the timeline, never sent to the owner. */
export function NoteForm({
  session,
  complaint,
  onAdded,
}: {
  session: Session;
  complaint: Complaint;
  onAdded: () => void;
}) {
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<MessageKey | undefined>();
  const [sending, setSending] = useState(false);
  if (!mayAddNote(session, complaint)) return null;
  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    const problem = noteProblem(text);
    if (problem) {
      setErrors({ [NOTE_TEXT]: problem });
      return;
    }
    setErrors({});
    setSending(true);
    try {
      await api('POST', `/api/complaints/${encodeURIComponent(complaint.ref)}/notes`, { text: text.trim() });
      setText('');
      onAdded();
    } catch (e) {
      const error = e as ApiError;
      if (error.status === 400)
        setErrors(
          error.fields.length ? { [NOTE_TEXT]: fromServer(error.fields).text ?? 'error.invalid' } : {},
        );
      else if (error.status === 409) setFailure('note.full');
      else
        setFailure(
          error.status === 403 ? 'error.forbidden' : error.status === 0 ? 'error.network' : 'app.error',
        );
    } finally {
      setSending(false);
    }
  };
  return (
    <section class="card" aria-labelledby="note-heading">
      <h2 id="note-heading">{t('note.title')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="add-note">
        <Field field={NOTE_TEXT} label={t('note.text')} errors={errors} hint={t('note.intro')}>
          {(attributes) => (
            <textarea
              {...attributes}
              rows={3}
              maxLength={NOTE_LIMITS.text}
              value={text}
              onInput={(e) => {
                setText(e.currentTarget.value);
                setErrors({});
              }}
            />
          )}
        </Field>
        {failure ? <Notice kind="error">{t(failure)}</Notice> : null}
        <button type="submit" disabled={sending}>
          {sending ? t('note.saving') : t('note.submit')}
        </button>
      </form>
    </section>
  );
}
