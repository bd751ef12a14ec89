import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { AREAS } from '#config/areas.ts';
import { STEPS } from '#config/workflow.ts';
import { mayActOnTask, mayChangeArea, maySeeArea, mayWriteToOwner } from '#domain/access.ts';
import { CALL_ACTION } from '#domain/audit.ts';
import { type ApiError, api } from '../api.ts';
import type { Session } from '../auth.ts';
import { ErrorSummary, Field, Notice, useFieldErrors, useFocusHeading } from '../components.tsx';
import {
  actorName,
  areaName,
  categoryName,
  departmentName,
  formatDateTime,
  roleName,
  stepName,
  t,
  tOr,
} from '../i18n.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';
import { Link } from '../router.tsx';
import { type FieldErrors, fromServer } from '../validation.ts';
import { CorrectionBeforeAfter, correctionSummary, EditRecordForm, NoteForm } from './corrections.tsx';
import { DecisionForm } from './decision-form.tsx';
import { EndComplaintForm, endingText } from './end-complaint.tsx';
import { downloadable, MailFiles } from './mail-files.tsx';
import { WriteToOwner } from './owner-message.tsx';
import { PausePanel } from './pause-panel.tsx';
import { ProgressNotices } from './progress-notices.tsx';
import { RelatedComplaints } from './related.tsx';
import type { Complaint, Mail, OpenTask, Signature, TimelineEvent } from './types.ts';
import { UnitSuggestions } from './unit-suggestions.tsx';

export function useComplaint(ref: string) {
  const [complaint, setComplaint] = useState<Complaint | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const load = () =>
    api<Complaint>('GET', `/api/complaints/${encodeURIComponent(ref)}`).then(
      (answer) => {
        setComplaint(answer);
        setError(undefined);
      },
      (e: ApiError) => setError(e),
    );
  useEffect(() => {
    setComplaint(undefined);
    void load();
  }, [ref]);
  return { complaint, error, reload: load };
}

export function loadError(error: ApiError): MessageKey {
  if (error.status === 403) return 'error.forbidden';
  if (error.status === 404) return 'error.notFound';
  if (error.status === 0) return 'error.network';
  return 'app.error';
}

/**
 * A signature as name, role and time: staff by username, the owner by their name (signed on
 * their own page: the role alone would read 業主（業主）), the workflow as itself, no role.
 */
export function signed(signature: Signature | undefined, owner?: { readonly name?: string }): string {
  if (!signature) return t('form17.unsigned');
  const at = formatDateTime(signature.at);
  if (signature.by === 'system') return t('form17.signSystem', { name: actorName(signature.by), at });
  const name = signature.by === 'owner' && owner?.name ? owner.name : actorName(signature.by, signature.name);
  return t('form17.sign', { name, role: roleName(signature.role), at });
}

/** One complaint: its open task and that step's form first, then the record, mail and timeline. */
export function ComplaintPage({ session, complaintRef }: { session: Session; complaintRef: string }) {
  /** The area this member moved the complaint to, when that took it out of their sight. */
  const [movedAway, setMovedAway] = useState<string | undefined>();
  /** The category the supervisor is picking in the review form: the related panel applies the repeat rule to it. */
  const [chosenCategory, setChosenCategory] = useState<string | undefined>();
  const heading = useFocusHeading(movedAway ?? complaintRef);
  const { complaint, error, reload } = useComplaint(complaintRef);
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: MessageKey } | undefined>();

  if (movedAway) {
    // Staff of the old area can no longer open it: say where it went, and the way back to work.
    return (
      <section>
        <h1 ref={heading} tabIndex={-1}>
          {t('complaint.title', { ref: complaintRef })}
        </h1>
        <Notice kind="success">{t('moveArea.movedAway', { area: areaName(movedAway) })}</Notice>
        <p>
          <Link href="/tasks">{t('nav.tasks')}</Link>
        </p>
      </section>
    );
  }

  if (error) {
    return (
      <section>
        <h1 ref={heading} tabIndex={-1}>
          {t('complaint.title', { ref: complaintRef })}
        </h1>
        <Notice kind="error">{t(loadError(error))}</Notice>
        <p>
          <Link href="/tasks">{t('nav.tasks')}</Link>
        </p>
      </section>
    );
  }
  if (!complaint) return <p>{t('app.loading')}</p>;

  const c = complaint;
  const task = c.tasks[0];
  return (
    <section class="complaint">
      <div class="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {t('complaint.title', { ref: c.ref })}{' '}
          <span class={`badge badge--${c.status}`} data-testid="status">
            {t(`status.${c.status}`)}
          </span>
        </h1>
        <Link href={`/complaints/${encodeURIComponent(c.ref)}/form17`} class="button">
          {t('complaint.form17')}
        </Link>
      </div>
      {notice ? <Notice kind={notice.kind}>{t(notice.text)}</Notice> : null}

      <section class="card task-card" aria-labelledby="task-heading">
        <h2 id="task-heading">{t('complaint.task')}</h2>
        {!task ? <p>{t('complaint.noTask')}</p> : null}
        {task && mayActOnTask(session, task) ? (
          <>
            <p class="task-title">
              <strong>{t('complaint.yourTask', { step: stepName(task.step) })}</strong>{' '}
              {task.overdue ? <span class="badge badge--overdue">{t('tasks.overdue')}</span> : null}
              {task.paused ? null : (
                <span class="sub">{t('complaint.dueBy', { due: formatDateTime(task.dueAt) })}</span>
              )}
              {task.late ? (
                <span class="sub">{t('tasks.late', { step: stepName(task.late.step) })}</span>
              ) : null}
            </p>
            {task.step === 'transcribeFax' ? <FaxPages complaint={c} /> : null}
            {task.ownerReplies?.length ? <OwnerReplies task={task} /> : null}
            {task.paused ? null : (
              <DecisionForm
                key={task.id}
                complaint={c}
                task={task}
                onCategory={setChosenCategory}
                onDone={(outcome) => {
                  // A call logged on a step still open: its panel says so itself.
                  setNotice(
                    outcome === 'logged'
                      ? undefined
                      : outcome === 'done'
                        ? { kind: 'success', text: 'complaint.done' }
                        : {
                            kind: 'error',
                            text: outcome === 'conflict' ? 'error.conflict' : 'error.forbidden',
                          },
                  );
                  void reload();
                }}
              />
            )}
          </>
        ) : null}
        {task ? (
          <PausePanel
            key={`pause.${task.id}`}
            session={session}
            task={task}
            onDone={() => {
              setNotice({ kind: 'success', text: task.paused ? 'pause.resumed' : 'pause.done' });
              void reload();
              // The workflow opens the paused (or resumed) task a moment later.
              setTimeout(() => void reload(), 2000);
            }}
          />
        ) : null}
        {task && !mayActOnTask(session, task) ? (
          <p data-testid="waiting">
            {t('complaint.waitingOn', {
              role: roleName(task.role),
              step: stepName(task.step),
              due: formatDateTime(task.dueAt),
            })}
          </p>
        ) : null}
        {task && !mayActOnTask(session, task) && task.step === 'transcribeFax' ? (
          <FaxPages complaint={c} />
        ) : null}
      </section>

      <ProgressNotices
        key={`progress.${c.ref}.${c.progressOff ? 'off' : 'on'}`}
        session={session}
        complaint={c}
        onSwitched={(off) => {
          setNotice({ kind: 'success', text: off ? 'progress.turnedOff' : 'progress.turnedOn' });
          void reload();
          // Turned on during the work: the workflow opens its task again a moment later.
          setTimeout(() => void reload(), 2000);
        }}
      />

      <RelatedComplaints complaint={c} {...(chosenCategory ? { chosenCategory } : {})} />

      <UnitSuggestions
        key={`unit.${c.ref}.${c.version ?? 0}`}
        session={session}
        complaint={c}
        onPicked={() => {
          setNotice({ kind: 'success', text: 'unit.pickedSaved' });
          void reload();
        }}
      />

      {c.status === 'open' && !c.ending && mayChangeArea(session, c) ? (
        <MoveAreaForm
          complaint={c}
          onMoved={(to) => {
            // Head office still sees it where it went; the area's own staff have handed it on.
            if (maySeeArea(session, to)) {
              setNotice({ kind: 'success', text: 'moveArea.done' });
              void reload();
            } else setMovedAway(to);
          }}
        />
      ) : null}

      <EndComplaintForm
        key={`ending.${c.ref}.${c.version ?? 0}`}
        session={session}
        complaint={c}
        onEnded={() => {
          setNotice({ kind: 'success', text: 'ending.done' });
          void reload();
          // The workflow takes it to its closing note and filing a moment later: show that step too.
          setTimeout(() => void reload(), 2000);
        }}
      />

      <EditRecordForm
        key={`${c.ref}.${c.version ?? 0}`}
        session={session}
        complaint={c}
        onSaved={() => {
          setNotice({ kind: 'success', text: 'correct.saved' });
          void reload();
        }}
        onReload={() => void reload()}
      />

      <section class="card" aria-labelledby="record-heading">
        <h2 id="record-heading">{t('complaint.record')}</h2>
        {c.personalDataErased ? (
          <Notice kind="info">
            <span data-testid="personal-data-erased">
              {t('retention.erased', {
                date: formatDateTime(c.personalDataErased.at),
                years: c.personalDataErased.years,
              })}
            </span>
          </Notice>
        ) : null}
        <dl class="record">
          <Item label={t('complaint.status')}>
            {t(`status.${c.status}`)}
            {c.outcome ? ` · ${tOr(`outcome.${c.outcome}`, c.outcome)}` : ''}
          </Item>
          {c.ending ? (
            <Item label={t('form17.ending')}>
              <span data-testid="ending">{endingText(c.ending)}</span>
            </Item>
          ) : null}
          <Item label={t('complaint.currentStep')}>{stepName(c.currentStep)}</Item>
          <Item label={t('complaint.receivedAt')}>{formatDateTime(c.receivedAt)}</Item>
          <Item label={t('field.channel')}>{tOr(`channel.${c.channel}`, c.channel)}</Item>
          <Item label={t('complaint.receivedBy')}>{signed(c.receivedBy)}</Item>
          <Item label={t('complaint.owner')}>
            {c.personalDataErased ? t('retention.erasedValue') : c.owner.name}
          </Item>
          <Item label={t('complaint.contact')}>
            {[c.owner.phone, c.owner.email].filter(Boolean).join(' · ') || t('app.none')}
          </Item>
          {c.owner.secondContact ? (
            <Item label={t('correct.secondContact')}>
              {[c.owner.secondContact.name, c.owner.secondContact.phone, c.owner.secondContact.email]
                .filter(Boolean)
                .join(' · ')}
            </Item>
          ) : null}
          <Item label={t('complaint.place')}>
            {[areaName(c.area), c.building, c.unit].filter(Boolean).join(' ')}
          </Item>
          <Item label={t('field.registerUnit')}>
            {c.registerUnit
              ? `${c.registerUnit.estate} ${c.registerUnit.building} ${c.registerUnit.unit}`
              : c.unitUnknown
                ? t('unit.unknown')
                : t('app.none')}
          </Item>
          <Item label={t('field.category')}>{categoryName(c.category)}</Item>
          <Item label={t('field.content')} wide>
            <p class="prewrap">{c.personalDataErased ? t('retention.erasedValue') : c.content}</p>
          </Item>
          <Item label={t('complaint.checklist')} wide>
            {(['keyPointsNoted', 'requestClarified', 'apologyGiven', 'explanationGiven'] as const)
              .filter((key) => c.checklist[key] !== undefined)
              .map((key) => `${c.checklist[key] ? '☑' : '☐'} ${t(`field.${key}`)}`)
              .join('  ') || t('app.none')}
          </Item>
          {c.clarifiedPurpose ? (
            <Item label={t('complaint.clarifiedPurpose')}>{c.clarifiedPurpose}</Item>
          ) : null}
          {c.rejection ? (
            <Item label={t('complaint.rejection')} wide>
              {c.rejection.reason} — {signed(c.rejection)}
            </Item>
          ) : null}
          {c.closedByError ? (
            <Item label={t('complaint.closedByError')} wide>
              {c.closedByError.reason} — {signed(c.closedByError)}
            </Item>
          ) : null}
          {c.supervisorReview ? (
            <Item label={t('complaint.opinion')} wide>
              {c.supervisorReview.opinion} — {signed(c.supervisorReview)}
            </Item>
          ) : null}
          {c.department ? (
            <Item label={t('complaint.department')}>{departmentName(c.department)}</Item>
          ) : null}
          {c.workOrder ? <Item label={t('complaint.workOrder')}>{c.workOrder.number}</Item> : null}
          {c.commitment ? (
            <Item label={t('complaint.planned')} wide>
              {formatDateTime(c.commitment.plannedStart)} – {formatDateTime(c.commitment.plannedCompletion)} —{' '}
              {signed(c.commitment)}
            </Item>
          ) : null}
          {c.actualCompletion ? (
            <Item label={t('complaint.actualCompletion')}>{formatDateTime(c.actualCompletion)}</Item>
          ) : null}
          {c.satisfaction ? (
            <Item label={t('complaint.satisfaction')} wide>
              {c.satisfaction.comments
                ? t('app.labelled', {
                    label: tOr(`rating.${c.satisfaction.rating}`, c.satisfaction.rating),
                    value: c.satisfaction.comments,
                  })
                : tOr(`rating.${c.satisfaction.rating}`, c.satisfaction.rating)}{' '}
              — {signed(c.satisfaction, c.owner)}
            </Item>
          ) : null}
          {c.closingSignature ? <Item label={t('form17.closing')}>{signed(c.closingSignature)}</Item> : null}
          {c.filed ? (
            <Item label={t('form17.filed')}>
              {c.filed.location ? `${c.filed.location} — ` : ''}
              {signed(c.filed)}
            </Item>
          ) : null}
          <Item label={t('complaint.escalations')}>{String(c.escalationCount)}</Item>
          <Item label={t('complaint.objections')}>{String(c.objectionCount)}</Item>
        </dl>
        {c.attachments?.length ? <Attachments complaint={c} /> : null}
      </section>

      {c.status === 'open' && mayWriteToOwner(session, c) ? (
        <WriteToOwner key={c.ref} complaint={c} onSent={() => void reload()} />
      ) : null}

      <Correspondence key={c.ref} complaint={c} />

      <NoteForm key={`note.${c.ref}`} session={session} complaint={c} onAdded={() => void reload()} />

      <section class="card" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">{t('complaint.timeline')}</h2>
        {c.timelineMailOmitted ? (
          <p class="hint">{t('complaint.timelineMailOmitted', { count: String(c.timelineMailOmitted) })}</p>
        ) : null}
        <Timeline events={c.timeline} complaint={c} />
      </section>
    </section>
  );
}

/** The owner's emails while the task waits for their answer: the newest, with their words. */
function OwnerReplies({ task }: { task: OpenTask }) {
  return (
    <section class="owner-replies" aria-labelledby="owner-replies-heading" data-testid="owner-replies">
      <h3 id="owner-replies-heading">{t('complaint.ownerReplies')}</h3>
      <ul class="mail">
        {task.ownerReplies?.map((reply) => (
          <li key={reply.id ?? reply.at}>
            <span class="sub">{formatDateTime(reply.at)}</span> {reply.subject}
            <p class="prewrap mail-preview">{reply.excerpt}</p>
          </li>
        ))}
      </ul>
      {task.ownerRepliesMore ? <p class="hint">{t('complaint.ownerRepliesMore')}</p> : null}
    </section>
  );
}

/**
 * The complaint's correspondence, newest first: the page that came with the complaint, older
 * pages on request, and one email's text when its line is opened (a line carries only a preview).
 */
function Correspondence({ complaint }: { complaint: Complaint }) {
  const [lines, setLines] = useState<Mail[]>(complaint.correspondence);
  const [next, setNext] = useState<string | undefined>(complaint.correspondenceNext);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    setLines(complaint.correspondence);
    setNext(complaint.correspondenceNext);
  }, [complaint]);
  const more = async () => {
    if (!next) return;
    setLoading(true);
    setFailed(false);
    try {
      const page = await api<{ items: Mail[]; next?: string }>(
        'GET',
        `/api/complaints/${encodeURIComponent(complaint.ref)}/correspondence?before=${encodeURIComponent(next)}`,
      );
      setLines((shown) => [...shown, ...page.items.filter((m) => !shown.some((s) => s.key === m.key))]);
      setNext(page.next);
    } catch {
      setFailed(true);
    } finally {
      setLoading(false);
    }
  };
  return (
    <section class="card" aria-labelledby="mail-heading">
      <h2 id="mail-heading">{t('complaint.correspondence')}</h2>
      {lines.length === 0 ? <p>{t('complaint.noCorrespondence')}</p> : null}
      <ul class="mail" data-testid="correspondence">
        {lines.map((mail) => (
          <MailLine key={mail.key ?? mail.id} mail={mail} complaintRef={complaint.ref} />
        ))}
      </ul>
      {failed ? <Notice kind="error">{t('app.error')}</Notice> : null}
      {next ? (
        <button type="button" onClick={() => void more()} disabled={loading} data-testid="mail-more">
          {loading ? t('app.loading') : t('complaint.mailMore')}
        </button>
      ) : null}
    </section>
  );
}

function MailLine({ mail, complaintRef }: { mail: Mail; complaintRef: string }) {
  const [body, setBody] = useState<Mail | undefined>();
  const [open, setOpen] = useState(false);
  const [failed, setFailed] = useState(false);
  const toggle = async () => {
    if (open) {
      setOpen(false);
      return;
    }
    setOpen(true);
    if (body) return;
    setFailed(false);
    try {
      setBody(
        await api<Mail>(
          'GET',
          `/api/complaints/${encodeURIComponent(complaintRef)}/correspondence/${encodeURIComponent(mail.key)}`,
        ),
      );
    } catch {
      setFailed(true);
    }
  };
  return (
    <li data-key={mail.key}>
      <span class="sub">{formatDateTime(mail.at)}</span>{' '}
      <span class="badge">{mail.direction === 'in' ? t('complaint.mailIn') : t('complaint.mailOut')}</span>{' '}
      {mail.subject}{' '}
      <span class="sub">{(mail.direction === 'in' ? mail.from : mail.to?.join(', ')) ?? ''}</span>
      {mail.direction === 'in' && mail.verified === false ? (
        <span class="badge badge--unverified" title={t('complaint.mailUnverifiedHint')}>
          {t('complaint.mailUnverified')}
        </span>
      ) : null}
      {mail.sentBy ? (
        <span class="sub" data-testid="mail-sent-by">
          {t('ownerMessage.by', {
            name: actorName(mail.sentBy.by, mail.sentBy.name),
            role: roleName(mail.sentBy.role),
          })}
        </span>
      ) : null}
      {(mail.direction === 'in' || mail.kind === 'staff-message') && mail.key ? (
        <>
          {' '}
          <button
            type="button"
            class="link-button"
            aria-expanded={open}
            aria-label={
              open ? t('complaint.mailClose') : t('complaint.mailOpenLabel', { subject: mail.subject ?? '' })
            }
            onClick={() => void toggle()}
          >
            {open ? t('complaint.mailClose') : t('complaint.mailOpen')}
          </button>
        </>
      ) : null}
      {!open && mail.preview ? <p class="prewrap mail-preview">{mail.preview}</p> : null}
      {open && failed ? <Notice kind="error">{t('complaint.mailFailed')}</Notice> : null}
      {open && !failed && !body ? <p class="sub">{t('app.loading')}</p> : null}
      {open && body ? (
        <div class="mail-body" data-testid="mail-body">
          {body.htmlOmitted ? <p class="hint">{t('complaint.mailHtmlOmitted')}</p> : null}
          <p class="prewrap mail-text">{body.text || t('complaint.mailNoText')}</p>
        </div>
      ) : null}
      {mail.direction === 'in' && mail.attachments?.length ? (
        <MailFiles attachments={mail.attachments} complaintRef={complaintRef} mail={mail} />
      ) : null}
    </li>
  );
}

export function Item({
  label,
  children,
  wide,
}: {
  label: string;
  children: ComponentChildren;
  wide?: boolean;
}) {
  return (
    <div class={wide ? 'record__item record__item--wide' : 'record__item'}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Attachments({ complaint }: { complaint: Complaint }) {
  const [failed, setFailed] = useState<string | undefined>();
  const open = async (index: number, name: string) => {
    setFailed(undefined);
    try {
      const answer = await api<{ url: string }>(
        'GET',
        `/api/complaints/${encodeURIComponent(complaint.ref)}/attachments/${index}`,
      );
      location.assign(answer.url);
    } catch {
      setFailed(name);
    }
  };
  return (
    <>
      <h3>{t('complaint.attachments')}</h3>
      <ul class="attachments">
        {complaint.attachments?.map((file, index) => (
          <li key={file.key}>
            {file.name}{' '}
            <button
              type="button"
              class="link-button"
              aria-label={t('mailFiles.download', { name: file.name })}
              onClick={() => void open(index, file.name)}
            >
              {t('attach.download')}
            </button>
          </li>
        ))}
      </ul>
      {failed ? <Notice kind="error">{t('mailFiles.failed', { name: failed })}</Notice> : null}
    </>
  );
}

/**
 * The pages reception reads to transcribe a fax (the *Transcribe fax* task): the documents of
 * every email or fax received on the complaint, each downloadable where it was stored.
 */
function FaxPages({ complaint }: { complaint: Complaint }) {
  const received = complaint.correspondence.filter(
    (mail) => mail.direction === 'in' && mail.attachments?.some((file) => !file.inline),
  );
  const any = received.some((mail) => mail.attachments?.some((file) => !file.inline && downloadable(file)));
  return (
    <section class="fax-pages" aria-labelledby="fax-pages-heading" data-testid="fax-pages">
      <h3 id="fax-pages-heading">{t('faxPages.title')}</h3>
      <p class="hint">{any ? t('faxPages.intro') : t('faxPages.none')}</p>
      {received.map((mail) => (
        <MailFiles
          key={mail.id}
          attachments={mail.attachments ?? []}
          complaintRef={complaint.ref}
          mail={mail}
          only={(file) => !file.inline}
        />
      ))}
    </section>
  );
}

/**
 * *Move to another area*: for a complaint that landed in the wrong area (email intake gives it
 * the intake address's default area). It moves with its open task; the reason goes on the
 * timeline.
 */
function MoveAreaForm({ complaint, onMoved }: { complaint: Complaint; onMoved: (area: string) => void }) {
  const others = AREAS.filter((area) => area.id !== complaint.area);
  const [area, setArea] = useState(others[0]?.id ?? '');
  const [reason, setReason] = useState('');
  const problems = useFieldErrors();
  const errors = problems.errors;
  const check = (typed: string): FieldErrors => (typed.trim() ? {} : { reason: 'error.required' });
  const [failure, setFailure] = useState<MessageKey | undefined>();
  const [sending, setSending] = useState(false);
  const labels = { area: t('moveArea.area'), reason: t('moveArea.reason') };
  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    const found = check(reason);
    problems.found(found);
    if (Object.keys(found).length) return;
    setSending(true);
    try {
      await api('POST', `/api/complaints/${encodeURIComponent(complaint.ref)}/area`, { area, reason });
      onMoved(area);
    } catch (e) {
      const error = e as ApiError;
      if (error.status === 400) problems.fromApi(fromServer(error.fields));
      else setFailure(error.status === 409 ? 'error.conflict' : loadError(error));
    } finally {
      setSending(false);
    }
  };
  return (
    <section class="card" aria-labelledby="move-area-heading">
      <details>
        <summary>
          <h2 id="move-area-heading">{t('moveArea.title')}</h2>
        </summary>
        <p class="hint">{t('moveArea.intro')}</p>
        <form onSubmit={(e) => void submit(e)} noValidate data-testid="move-area">
          <ErrorSummary errors={errors} labels={labels} />
          <Field field="area" label={labels.area} errors={errors}>
            {(attributes) => (
              <select
                {...attributes}
                value={area}
                onChange={(e) => {
                  setArea(e.currentTarget.value);
                  problems.edited('area', check(reason));
                }}
              >
                {others.map((option) => (
                  <option key={option.id} value={option.id}>
                    {areaName(option.id)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field field="reason" label={labels.reason} errors={errors} hint={t('moveArea.reasonHint')}>
            {(attributes) => (
              <textarea
                {...attributes}
                rows={2}
                maxLength={1000}
                value={reason}
                onInput={(e) => {
                  setReason(e.currentTarget.value);
                  problems.edited('reason', check(e.currentTarget.value));
                }}
              />
            )}
          </Field>
          {failure ? <Notice kind="error">{t(failure)}</Notice> : null}
          <button type="submit" disabled={sending}>
            {t('moveArea.submit')}
          </button>
        </form>
      </details>
    </section>
  );
}

/** Detail keys worth a line on the timeline, in this order. */
const DETAIL_KEYS = [
  'opinion',
  'reason',
  'clarifiedPurpose',
  'plannedStart',
  'plannedCompletion',
  'rating',
  'comments',
  'obstacle',
  'update',
  'note',
  'location',
  // A workflow step that failed after its retries, and how customer service resolved it.
  'failedState',
  'error',
];

/**
 * A failed workflow state as staff call it: the step it is the state of, in the current language
 * (`Supervisor review` → 主任簽署處理意見); a state of no human step (sending an email) by its name.
 */
function failedStepName(state: string): string {
  const step = Object.values(STEPS).find((candidate) => candidate.state === state);
  return step ? stepName(step.id) : state;
}

/** The planned times, each named: a bare date says neither start nor completion. */
const PLANNED_LABELS: Record<string, MessageKey> = {
  plannedStart: 'decision.plannedStart',
  plannedCompletion: 'decision.plannedCompletion',
};

/**
 * What an audit line did, named: which step's task opened, which owner email arrived (its
 * subject); the action's name alone for the rest.
 */
export function eventTitle(event: TimelineEvent): string {
  const details = event.details ?? {};
  const step = typeof details.step === 'string' ? details.step : '';
  const subject = typeof details.subject === 'string' ? details.subject : '';
  if (event.action === 'task-opened' && step) return t('timeline.taskOpened', { step: stepName(step) });
  if (event.action === 'reminder-task-opened' && step) {
    return t('timeline.reminderTaskOpened', { step: stepName(step) });
  }
  if (event.action === 'owner-email-received' && subject) return t('timeline.ownerEmail', { subject });
  if (event.action === CALL_ACTION && typeof details.result === 'string') {
    return t('timeline.call', {
      n: String(details.attempt ?? ''),
      result: tOr(`callResult.${details.result}`, details.result),
    });
  }
  if (event.action === 'owner-message-sent' && subject) return t('timeline.ownerMessage', { subject });
  return tOr(`action.${event.action}`, event.action);
}

/** The level a staff member's escalation went to: the one above theirs (older lines name only theirs). */
const LEVEL_ABOVE: Record<string, string> = {
  supervisor: 'customer-service',
  'customer-service': 'manager',
  customerservice: 'manager',
};

/** Why the workflow sent a complaint up (a system `escalated` line's reason), by its id. */
const SENT_UP_REASONS: Record<string, MessageKey> = {
  obstacle: 'escalation.reason.obstacle',
  'objection-limit': 'escalation.reason.objection-limit',
  'reopen-limit': 'escalation.reason.reopen-limit',
  escalated: 'escalation.reason.escalated',
};

/**
 * What an escalation line (Form 17's escalation record, the timeline) says beyond its name:
 * the step that missed its deadline, and to whom it went or who was reminded — the level's role
 * in the complaint's area (the line's own area: the complaint may have moved since).
 */
function escalationDetails(event: TimelineEvent, complaint?: Complaint): string[] {
  const details = event.details ?? {};
  const text = (key: string) => (typeof details[key] === 'string' ? (details[key] as string) : undefined);
  const staff = event.actor !== 'system';
  const role = staff ? (text('to') ?? LEVEL_ABOVE[text('from') ?? '']) : text('level');
  const area = text('area') ?? complaint?.area;
  const who = role
    ? t('escalation.who', { role: roleName(role), area: area ? areaName(area) : '' })
    : undefined;
  const overdueStep = event.action === 'step-overdue' ? text('overdueStep') : undefined;
  const reason = !staff && event.action === 'escalated' ? SENT_UP_REASONS[text('reason') ?? ''] : undefined;
  return [
    overdueStep ? t('escalation.overdueStep', { step: stepName(overdueStep) }) : '',
    reason ? t(reason) : '',
    who ? t(event.action === 'manager-reminded' ? 'escalation.reminded' : 'escalation.to', { who }) : '',
  ].filter(Boolean);
}

/** Audit lines that send a complaint up the ladder, or remind its top. */
const ESCALATION_LINES = new Set(['step-overdue', 'escalated', 'manager-reminded']);

/**
 * The details of an audit line worth showing. Work starting shows the committed start (its
 * line was written with the completion only: the record's commitment says when it started).
 * An escalation says which step was late and to whom it went.
 */
export function eventDetails(event: TimelineEvent, complaint?: Complaint): string {
  const details = event.details ?? {};
  if (ESCALATION_LINES.has(event.action)) {
    const note = typeof details.note === 'string' && details.note ? [details.note] : [];
    return [...escalationDetails(event, complaint), ...note].join(' · ');
  }
  if (event.action === 'work-started') {
    const start =
      typeof details.plannedStart === 'string' ? details.plannedStart : complaint?.commitment?.plannedStart;
    return start
      ? t('app.labelled', { label: t('decision.plannedStart'), value: formatDateTime(start) })
      : '';
  }
  // What staff wrote to the owner: the start of their words (the email is on the correspondence).
  if (event.action === 'owner-message-sent')
    return typeof details.excerpt === 'string' ? details.excerpt : '';
  if (event.action === CALL_ACTION) {
    // When it was dialled (it may be logged later), the number, what was said.
    return [
      typeof details.calledAt === 'string'
        ? t('app.labelled', { label: t('call.calledAt'), value: formatDateTime(details.calledAt) })
        : '',
      typeof details.number === 'string' ? details.number : '',
      typeof details.notes === 'string' ? details.notes : '',
    ]
      .filter(Boolean)
      .join(' · ');
  }
  const unanswered =
    typeof details.unansweredCalls === 'number'
      ? [t('call.unansweredCount', { n: details.unansweredCalls })]
      : [];
  const moved =
    event.action === 'area-changed'
      ? [
          t('moveArea.fromTo', { from: areaName(String(details.from)), to: areaName(String(details.to)) }),
          ...(typeof details.unitLeft === 'string'
            ? [t('moveArea.unitLeft', { unit: details.unitLeft, to: areaName(String(details.to)) })]
            : []),
        ]
      : event.action === 'record-corrected'
        ? [correctionSummary(event)]
        : event.action === 'withdrawal-recorded' && typeof details.how === 'string'
          ? [tOr(`withdrawnBy.${details.how}`, details.how)]
          : event.action === 'referral-recorded' && typeof details.referredTo === 'string'
            ? [t('app.labelled', { label: t('ending.to'), value: details.referredTo })]
            : event.action === 'step-paused' || event.action === 'step-resumed'
              ? pauseDetails(details)
              : [];
  // A pause's reason is a name, not words to show as they are.
  if (event.action === 'step-paused')
    return moved.concat(typeof details.note === 'string' ? [details.note] : []).join(' · ');
  return moved
    .concat(unanswered)
    .concat(
      DETAIL_KEYS.filter((key) => typeof details[key] === 'string' && details[key] !== '').map((key) => {
        const value = String(details[key]);
        const planned = PLANNED_LABELS[key];
        if (planned) return t('app.labelled', { label: t(planned), value: formatDateTime(value) });
        if (key === 'rating') return tOr(`rating.${value}`, value);
        if (key === 'failedState') return failedStepName(value);
        return value;
      }),
    )
    .join(' · ');
}

/** A pause's line: the step, why, until when; a resume's: the step and its deadline now. */
function pauseDetails(details: Record<string, unknown>): string[] {
  const text = (key: string) => (typeof details[key] === 'string' ? (details[key] as string) : undefined);
  const step = text('step');
  const reason = text('reason');
  const until = text('until');
  const dueAt = text('dueAt');
  return [
    step ? stepName(step) : '',
    reason ? tOr(`pauseReason.${reason}`, reason) : '',
    until ? t('pause.until', { at: formatDateTime(until) }) : '',
    dueAt ? t('complaint.dueBy', { due: formatDateTime(dueAt) }) : '',
  ].filter(Boolean);
}

function Timeline({ events, complaint }: { events: TimelineEvent[]; complaint: Complaint }) {
  return (
    <ol class="timeline" data-testid="timeline">
      {events.map((event, i) => (
        <li key={`${event.at}-${i}`}>
          <span class="sub">{formatDateTime(event.at)}</span> <strong>{eventTitle(event)}</strong>{' '}
          <span>
            {event.actor === 'system' || event.actor === 'owner'
              ? actorName(event.actor)
              : t('app.actor', { name: actorName(event.actor, event.actorName), role: roleName(event.role) })}
          </span>
          {eventDetails(event, complaint) ? <div class="sub">{eventDetails(event, complaint)}</div> : null}
          {event.action === 'record-corrected' ? <CorrectionBeforeAfter event={event} /> : null}
        </li>
      ))}
    </ol>
  );
}
