import { useState } from 'preact/hooks';
import { OWNER_MESSAGE_LIMITS } from '#domain/fields.ts';
import { replySubject } from '#domain/owner-subject.ts';
import { type ApiError, api } from '../api.ts';
import { ErrorSummary, Field, Notice, useFieldErrors } from '../components.tsx';
import { t } from '../i18n.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';
import { type FieldErrors, fromServer } from '../validation.ts';
import type { Complaint, Mail } from './types.ts';

/** The form's fields, named apart from the other forms of the complaint page (their DOM ids). */
const SUBJECT = 'ownerMessage.subject';
const TEXT = 'ownerMessage.text';

/** What the API's 409 says, as the app's messages. */
const CONFLICTS: [RegExp, MessageKey][] = [
  [/no email address/i, 'ownerMessage.noEmail'],
  [/closed and filed/i, 'ownerMessage.closed'],
  [/with other words/i, 'ownerMessage.otherWords'],
  [/still being sent/i, 'ownerMessage.stillSending'],
];

/** The subject offered: an answer to the owner's last email on the page, when there is one. */
export function offeredSubject(correspondence: readonly Mail[]): string {
  const last = correspondence.find(
    (mail) => mail.direction === 'in' && (mail.kind === 'complaint' || mail.kind === 'reply'),
  );
  return last?.subject ? replySubject(last.subject) : '';
}

/**
 * *Write to the owner*: an email from the complaint page, in the bilingual frame of our emails,
 * answering the owner's last email (the API threads it and puts our reference in the subject).
 * One id per message written: sending it again after an error (or a second click) sends it once.
 */
export function WriteToOwner({ complaint, onSent }: { complaint: Complaint; onSent: () => void }) {
  const email = complaint.owner.email;
  const [subject, setSubject] = useState(() => offeredSubject(complaint.correspondence));
  const [text, setText] = useState('');
  const [submissionId, setSubmissionId] = useState(() => crypto.randomUUID());
  const problems = useFieldErrors();
  const errors = problems.errors;
  const [failure, setFailure] = useState<MessageKey | undefined>();
  const [sent, setSent] = useState(false);
  const [sending, setSending] = useState(false);
  const labels = { [SUBJECT]: t('ownerMessage.subject'), [TEXT]: t('ownerMessage.text') };

  const validate = (typedSubject = subject, typedText = text): FieldErrors => {
    const found: FieldErrors = {};
    if ([...typedSubject.trim()].length > OWNER_MESSAGE_LIMITS.subject) found[SUBJECT] = 'error.tooLong';
    if (!typedText.trim()) found[TEXT] = 'error.required';
    else if ([...typedText.trim()].length > OWNER_MESSAGE_LIMITS.text) found[TEXT] = 'error.tooLong';
    return found;
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    if (sending) return;
    setFailure(undefined);
    setSent(false);
    const found = validate();
    problems.found(found);
    if (Object.keys(found).length) return;
    setSending(true);
    try {
      await api('POST', `/api/complaints/${encodeURIComponent(complaint.ref)}/messages`, {
        subject,
        text,
        submissionId,
      });
      // Sent: the next message is another one.
      setText('');
      setSubmissionId(crypto.randomUUID());
      setSent(true);
      onSent();
    } catch (e) {
      const error = e as ApiError;
      if (error.status === 400) {
        const server = fromServer(error.fields);
        problems.fromApi(
          Object.fromEntries(
            Object.entries(server).map(([field, problem]) => [
              field === 'subject' ? SUBJECT : field === 'text' ? TEXT : field,
              problem,
            ]),
          ),
        );
      } else if (error.status === 409) {
        const conflict = CONFLICTS.find(([pattern]) => pattern.test(error.message))?.[1] ?? 'error.conflict';
        setFailure(conflict);
        if (conflict === 'ownerMessage.otherWords') {
          // The first words went out (an answer lost on the way): what is in the box now is a new message.
          setSubmissionId(crypto.randomUUID());
          onSent();
        }
      } else if (error.status === 403) setFailure('error.forbidden');
      // The message may have gone out: the same id is kept, so sending again cannot send it twice.
      else setFailure(error.status === 0 ? 'ownerMessage.network' : 'ownerMessage.failed');
    } finally {
      setSending(false);
    }
  };

  return (
    <section class="card" aria-labelledby="owner-message-heading">
      <details>
        <summary>
          <h2 id="owner-message-heading">{t('ownerMessage.title')}</h2>
        </summary>
        {!email ? (
          <p class="hint" data-testid="owner-message-no-email">
            {complaint.owner.phone
              ? t('ownerMessage.noEmailPhone', { phone: complaint.owner.phone })
              : t('ownerMessage.noEmail')}
          </p>
        ) : (
          <form onSubmit={(e) => void submit(e)} noValidate data-testid="owner-message">
            <p class="hint">{t('ownerMessage.intro', { email, ref: complaint.ref })}</p>
            <ErrorSummary errors={errors} labels={labels} />
            <Field
              field={SUBJECT}
              label={labels[SUBJECT]}
              errors={errors}
              hint={t('ownerMessage.subjectHint', { ref: complaint.ref })}
              optional
            >
              {(attributes) => (
                <input
                  {...attributes}
                  type="text"
                  maxLength={OWNER_MESSAGE_LIMITS.subject}
                  value={subject}
                  onInput={(e) => {
                    setSubject(e.currentTarget.value);
                    // A problem goes as soon as its field is fixed.
                    problems.edited(SUBJECT, validate(e.currentTarget.value, text));
                  }}
                />
              )}
            </Field>
            <Field field={TEXT} label={labels[TEXT]} errors={errors} hint={t('ownerMessage.textHint')}>
              {(attributes) => (
                <textarea
                  {...attributes}
                  rows={6}
                  maxLength={OWNER_MESSAGE_LIMITS.text}
                  value={text}
                  onInput={(e) => {
                    setText(e.currentTarget.value);
                    problems.edited(TEXT, validate(subject, e.currentTarget.value));
                  }}
                />
              )}
            </Field>
            {failure ? <Notice kind="error">{t(failure)}</Notice> : null}
            {sent ? <Notice kind="success">{t('ownerMessage.sent', { email })}</Notice> : null}
            <button type="submit" disabled={sending}>
              {sending ? t('ownerMessage.sending') : t('ownerMessage.submit')}
            </button>
          </form>
        )}
      </details>
    </section>
  );
}
