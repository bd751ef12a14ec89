import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { MAX_ATTACHMENT_BYTES } from '#config/attachments.ts';
import { CATEGORIES } from '#config/catalogue.ts';
import { visibleAreas } from '#domain/access.ts';
import { type ApiError, api } from '../api.ts';
import type { Session } from '../auth.ts';
import { Choice, ErrorSummary, Field, Notice, useFieldErrors, useFocusHeading } from '../components.tsx';
import { areaName, categoryName, LANGUAGES, t } from '../i18n.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';
import { Link } from '../router.tsx';
import { type ComplaintDraft, fileProblem, fromServer, validateComplaint } from '../validation.ts';
import { type PickedUnit, UnitPicker } from './unit-picker.tsx';

/** The API's name of the field each part of the draft is (its problems are shown under it). */
const FIELD_OF: Partial<Record<keyof ComplaintDraft, string>> = {
  ownerName: 'owner.name',
  phone: 'owner.phone',
  email: 'owner.email',
  language: 'owner.language',
};

/** Channels reception logs by hand; email complaints arrive through the mail intake. */
const CHANNELS = ['phone', 'walk-in', 'letter', 'fax'] as const;

const emptyDraft = (area: string): ComplaintDraft => ({
  channel: 'phone',
  area,
  ownerName: '',
  phone: '',
  email: '',
  language: 'zh-Hant',
  building: '',
  unit: '',
  category: '',
  content: '',
  keyPointsNoted: false,
  requestClarified: false,
  apologyGiven: false,
  explanationGiven: false,
  attachments: [],
  submissionId: crypto.randomUUID(),
});

/** What reception is told when the complaint could not be sent. */
const FAILURES: Record<number, MessageKey> = {
  0: 'error.network',
  403: 'error.forbidden',
  409: 'error.alreadySubmitted',
};

/** Waits before sending a submission again after a network error or a 5xx. */
const RESEND_AFTER_MS = [500, 1500];

/**
 * POSTs the complaint; after a network error or a 5xx it sends the same submission again (the
 * server gives back the complaint a lost attempt opened, so nothing is logged twice).
 */
async function submitOnce(body: Record<string, unknown>): Promise<{ ref: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await api<{ ref: string }>('POST', '/api/complaints', body);
    } catch (error) {
      const status = (error as ApiError).status;
      const transient = status === 0 || status >= 500;
      const wait = RESEND_AFTER_MS[attempt];
      if (!transient || wait === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** The draft survives a reload of this tab (sessionStorage), not the closing of it. */
const draftKey = (user: string) => `draft:new-complaint:${user}`;

function loadDraft(session: Session): { draft: ComplaintDraft; restored: boolean } {
  const fresh = emptyDraft(session.area);
  try {
    const saved = sessionStorage.getItem(draftKey(session.username));
    if (saved) {
      const draft = { ...fresh, ...(JSON.parse(saved) as Partial<ComplaintDraft>) };
      const edited =
        JSON.stringify({ ...draft, submissionId: '' }) !== JSON.stringify({ ...fresh, submissionId: '' });
      return { draft, restored: edited };
    }
  } catch {
    // A damaged draft is dropped.
  }
  return { draft: fresh, restored: false };
}

interface Upload {
  readonly id: number;
  readonly name: string;
  readonly state: 'uploading' | 'failed';
  readonly problem?: MessageKey;
}

/**
 * Reception logs a phone, walk-in, letter or fax complaint while the owner is still talking:
 * every field a label, every problem next to its field, all of it by keyboard, the draft kept
 * through a reload, and scans of letters and faxes uploaded straight to S3.
 */
export function NewComplaint({ session }: { session: Session }) {
  const heading = useFocusHeading('new');
  const [{ draft, restored }, setState] = useState(() => loadDraft(session));
  const problems = useFieldErrors();
  const errors = problems.errors;
  const [discarded, setDiscarded] = useState(false);
  const confirmDiscard = useRef<HTMLDialogElement>(null);
  const [submitting, setSubmitting] = useState(false);
  const [created, setCreated] = useState<string | undefined>();
  const [failure, setFailure] = useState<MessageKey | undefined>();
  const [uploads, setUploads] = useState<Upload[]>([]);

  // Kept as the render commits, not after the next paint (useEffect): a reload straight after
  // the last keystroke must not lose it.
  useLayoutEffect(() => {
    if (!created) sessionStorage.setItem(draftKey(session.username), JSON.stringify(draft));
  }, [draft, created]);

  // A problem goes as soon as its field is fixed (the form is checked again as it changes).
  const set = <K extends keyof ComplaintDraft>(key: K, value: ComplaintDraft[K]) => {
    setState((s) => ({ ...s, draft: { ...s.draft, [key]: value } }));
    problems.edited(FIELD_OF[key] ?? key, validateComplaint({ ...draft, [key]: value }));
    setDiscarded(false);
  };
  const text = (key: keyof ComplaintDraft) => (event: Event) =>
    set(key, (event.currentTarget as HTMLInputElement).value as never);
  const check = (key: keyof ComplaintDraft) => (event: Event) =>
    set(key, (event.currentTarget as HTMLInputElement).checked as never);

  /**
   * A unit picked from the register: the complaint is that unit's, and the owner's name and
   * contacts are filled from its owner (its first resident when it has no owner) — reception
   * corrects what the caller says otherwise. Un-picking leaves what was filled.
   */
  const pickUnit = (unit: PickedUnit | undefined) => {
    if (!unit) {
      setState((s) => ({ ...s, draft: { ...s.draft, registerUnit: undefined } }));
      return;
    }
    const resident = unit.residents.find((r) => r.role === 'owner') ?? unit.residents[0];
    const next: ComplaintDraft = {
      ...draft,
      registerUnit: { id: unit.id, label: `${unit.estate} ${unit.building} ${unit.unit}` },
      building: `${unit.estate} ${unit.building}`,
      unit: unit.unit,
      ...(resident
        ? {
            ownerName: resident.name,
            phone: resident.phones[0] ?? '',
            email: resident.emails[0] ?? '',
            ...((LANGUAGES as readonly string[]).includes(resident.language)
              ? { language: resident.language }
              : {}),
          }
        : {}),
    };
    setState((s) => ({ ...s, draft: next }));
    problems.edited('registerUnit', validateComplaint(next));
    for (const field of ['owner.name', 'owner.phone', 'owner.email', 'building', 'unit']) {
      problems.edited(field, validateComplaint(next));
    }
  };

  const discard = () => {
    sessionStorage.removeItem(draftKey(session.username));
    setState({ draft: emptyDraft(session.area), restored: false });
    problems.clear();
    setUploads([]);
  };
  /** A draft typed while the owner talked is cleared only once the person says so. */
  const askToDiscard = () => confirmDiscard.current?.showModal();

  const attach = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const id = Math.random();
      const problem = fileProblem(file);
      if (problem) {
        setUploads((u) => [...u, { id, name: file.name, state: 'failed', problem }]);
        continue;
      }
      setUploads((u) => [...u, { id, name: file.name, state: 'uploading' }]);
      try {
        const issued = await api<{
          key: string;
          upload: { url: string; headers: Record<string, string> };
        }>('POST', '/api/attachments', {
          area: draft.area,
          name: file.name,
          contentType: file.type,
          size: file.size,
        });
        const put = await fetch(issued.upload.url, {
          method: 'PUT',
          headers: issued.upload.headers,
          body: file,
        });
        if (!put.ok) throw new Error(String(put.status));
        setState((s) => ({
          ...s,
          draft: {
            ...s.draft,
            attachments: [
              ...s.draft.attachments,
              { key: issued.key, name: file.name, contentType: file.type, size: file.size },
            ],
          },
        }));
        setUploads((u) => u.filter((upload) => upload.id !== id));
      } catch {
        setUploads((u) => u.map((upload) => (upload.id === id ? { ...upload, state: 'failed' } : upload)));
      }
    }
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    const found = validateComplaint(draft);
    if (uploads.some((u) => u.state === 'uploading')) found.attachments = 'error.uploadPending';
    problems.found(found);
    if (Object.keys(found).length) return;
    setSubmitting(true);
    try {
      const answer = await submitOnce({
        submissionId: draft.submissionId,
        channel: draft.channel,
        area: draft.area,
        owner: {
          name: draft.ownerName.trim(),
          ...(draft.phone.trim() ? { phone: draft.phone.trim() } : {}),
          ...(draft.email.trim() ? { email: draft.email.trim() } : {}),
          language: draft.language,
        },
        content: draft.content,
        ...(draft.category ? { category: draft.category } : {}),
        ...(draft.building.trim() ? { building: draft.building.trim() } : {}),
        ...(draft.unit.trim() ? { unit: draft.unit.trim() } : {}),
        ...(draft.registerUnit ? { registerUnit: draft.registerUnit.id } : {}),
        checklist: {
          keyPointsNoted: draft.keyPointsNoted,
          requestClarified: draft.requestClarified,
          apologyGiven: draft.apologyGiven,
          ...(draft.channel === 'walk-in' ? { explanationGiven: draft.explanationGiven } : {}),
        },
        ...(draft.attachments.length && (draft.channel === 'letter' || draft.channel === 'fax')
          ? { attachments: draft.attachments }
          : {}),
      });
      sessionStorage.removeItem(draftKey(session.username));
      setCreated(answer.ref);
    } catch (error) {
      const e = error as ApiError;
      if (e.status === 400) problems.fromApi(fromServer(e.fields));
      else setFailure(FAILURES[e.status] ?? 'app.error');
    } finally {
      setSubmitting(false);
    }
  };

  if (created) {
    return (
      <section>
        <h1 ref={heading} tabIndex={-1}>
          {t('new.title')}
        </h1>
        <Notice kind="success">
          <p data-testid="created-ref">{t('new.created', { ref: created })}</p>
          <p class="actions">
            <Link href={`/complaints/${encodeURIComponent(created)}`}>{t('new.view')}</Link>
            <button
              type="button"
              onClick={() => {
                setCreated(undefined);
                discard();
              }}
            >
              {t('new.another')}
            </button>
          </p>
        </Notice>
      </section>
    );
  }

  const areas = visibleAreas(session);
  const labels: Record<string, string> = {
    channel: t('field.channel'),
    area: t('field.area'),
    'owner.name': t('field.ownerName'),
    'owner.phone': t('field.phone'),
    'owner.email': t('field.email'),
    building: t('field.building'),
    unit: t('field.unit'),
    registerUnit: t('field.registerUnit'),
    content: t('field.content'),
    category: t('field.category'),
    attachments: t('field.attachments'),
  };
  const scanned = draft.channel === 'letter' || draft.channel === 'fax';

  return (
    <section>
      <div class="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {t('new.title')}
        </h1>
        <button type="button" onClick={askToDiscard}>
          {t('new.discard')}
        </button>
      </div>
      <dialog
        ref={confirmDiscard}
        class="confirm"
        aria-labelledby="discard-title"
        aria-describedby="discard-text"
        data-testid="confirm-discard"
      >
        <form
          method="dialog"
          onSubmit={(event) => {
            const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
            if (submitter?.value === 'discard') {
              discard();
              setDiscarded(true);
            }
          }}
        >
          <h2 id="discard-title">{t('new.discardTitle')}</h2>
          <p id="discard-text">{t('new.discardText')}</p>
          <div class="actions">
            {/* The safe choice first, where the focus lands. */}
            <button type="submit" value="keep" autofocus>
              {t('new.discardNo')}
            </button>
            <button type="submit" value="discard" class="danger">
              {t('new.discardYes')}
            </button>
          </div>
        </form>
      </dialog>
      <p class="lead">{t('new.intro')}</p>
      {discarded ? <Notice kind="info">{t('new.discarded')}</Notice> : null}
      {restored ? <Notice kind="info">{t('new.draftRestored')}</Notice> : null}
      {failure ? <Notice kind="error">{t(failure)}</Notice> : null}
      <ErrorSummary errors={errors} labels={labels} />
      <form class="form" onSubmit={submit} noValidate>
        <Choice
          field="channel"
          legend={t('field.channel')}
          options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
          value={draft.channel}
          onChange={(value) => set('channel', value)}
          errors={errors}
        />
        <fieldset class="group">
          <legend>{t('new.section.owner')}</legend>
          <Field field="owner.name" label={t('field.ownerName')} errors={errors}>
            {(a) => (
              <input
                {...a}
                type="text"
                autocomplete="off"
                value={draft.ownerName}
                onInput={text('ownerName')}
              />
            )}
          </Field>
          <div class="row">
            <Field field="owner.phone" label={t('field.phone')} errors={errors}>
              {(a) => (
                <input {...a} type="tel" autocomplete="off" value={draft.phone} onInput={text('phone')} />
              )}
            </Field>
            <Field field="owner.email" label={t('field.email')} errors={errors}>
              {(a) => (
                <input {...a} type="email" autocomplete="off" value={draft.email} onInput={text('email')} />
              )}
            </Field>
            <Field field="owner.language" label={t('field.language')} errors={errors}>
              {(a) => (
                <select {...a} value={draft.language} onChange={text('language')}>
                  {LANGUAGES.map((l) => (
                    <option key={l} value={l}>
                      {t(`language.${l}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
        </fieldset>
        <fieldset class="group">
          <legend>{t('new.section.place')}</legend>
          <div class="row">
            <Field field="area" label={t('field.area')} errors={errors}>
              {(a) => (
                <select
                  {...a}
                  value={draft.area}
                  onChange={(event) => {
                    // A unit of the register is of one area: another area's complaint picks again.
                    setState((s) => ({ ...s, draft: { ...s.draft, registerUnit: undefined } }));
                    text('area')(event);
                  }}
                >
                  {areas.map((id) => (
                    <option key={id} value={id}>
                      {areaName(id)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field field="building" label={t('field.building')} errors={errors} optional>
              {(a) => <input {...a} type="text" value={draft.building} onInput={text('building')} />}
            </Field>
            <Field field="unit" label={t('field.unit')} errors={errors} optional>
              {(a) => <input {...a} type="text" value={draft.unit} onInput={text('unit')} />}
            </Field>
          </div>
          <div class="field" id="f-registerUnit">
            <p class="label">{t('field.registerUnit')}</p>
            <p class="hint">{t('unit.hint')}</p>
            <UnitPicker
              area={draft.area}
              picked={
                draft.registerUnit
                  ? {
                      id: draft.registerUnit.id,
                      estate: draft.registerUnit.label,
                      building: '',
                      unit: '',
                      area: draft.area,
                      residents: [],
                    }
                  : undefined
              }
              onPick={pickUnit}
            />
            {errors.registerUnit ? <p class="error">{t(errors.registerUnit)}</p> : null}
          </div>
        </fieldset>
        <fieldset class="group">
          <legend>{t('new.section.complaint')}</legend>
          <Field field="category" label={t('field.category')} errors={errors} optional>
            {(a) => (
              <select {...a} value={draft.category} onChange={text('category')}>
                <option value="">{t('field.categoryNone')}</option>
                {CATEGORIES.map((c) => (
                  <option key={c.id} value={c.id}>
                    {categoryName(c.id)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field field="content" label={t('field.content')} hint={t('field.contentHint')} errors={errors}>
            {(a) => <textarea {...a} rows={6} value={draft.content} onInput={text('content')} />}
          </Field>
        </fieldset>
        <fieldset class="group checklist">
          <legend>{t('new.section.checklist')}</legend>
          {(['keyPointsNoted', 'requestClarified', 'apologyGiven'] as const).map((key) => (
            <label key={key} class="check">
              <input type="checkbox" name={key} checked={draft[key]} onChange={check(key)} />{' '}
              {t(`field.${key}`)}
            </label>
          ))}
          {draft.channel === 'walk-in' ? (
            <label class="check">
              <input
                type="checkbox"
                name="explanationGiven"
                checked={draft.explanationGiven}
                onChange={check('explanationGiven')}
              />{' '}
              {t('field.explanationGiven')}
            </label>
          ) : null}
        </fieldset>
        {scanned ? (
          <fieldset class="group">
            <legend>{t('new.section.attachments')}</legend>
            <Field
              field="attachments"
              label={t('field.attachments')}
              hint={t('field.attachmentsHint', { mb: MAX_ATTACHMENT_BYTES / 1024 / 1024 })}
              errors={errors}
              optional
            >
              {(a) => (
                <input
                  {...a}
                  type="file"
                  multiple
                  accept="application/pdf,image/tiff,image/jpeg,image/png"
                  onChange={(event) => {
                    const input = event.currentTarget as HTMLInputElement;
                    void attach(input.files).then(() => {
                      input.value = '';
                    });
                  }}
                />
              )}
            </Field>
            <ul class="attachments" data-testid="attachments">
              {draft.attachments.map((file) => (
                <li key={file.key}>
                  {file.name} <span class="sub">{t('attach.uploaded')}</span>{' '}
                  <button
                    type="button"
                    class="link-button"
                    onClick={() =>
                      set(
                        'attachments',
                        draft.attachments.filter((f) => f.key !== file.key),
                      )
                    }
                  >
                    {t('attach.remove', { name: file.name })}
                  </button>
                </li>
              ))}
              {uploads.map((upload) => (
                <li key={upload.id} class={upload.state === 'failed' ? 'error' : undefined} role="status">
                  {upload.state === 'uploading'
                    ? t('attach.uploading', { name: upload.name })
                    : `${t('attach.failed', { name: upload.name })}${upload.problem ? ` ${t(upload.problem)}` : ''}`}
                </li>
              ))}
            </ul>
          </fieldset>
        ) : null}
        <div class="actions">
          <button type="submit" class="primary" disabled={submitting}>
            {submitting ? t('new.submitting') : t('new.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
