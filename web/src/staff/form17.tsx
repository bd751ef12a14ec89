import type { ComponentChildren } from 'preact';
import { CHANNELS } from '#config/catalogue.ts';
import { CALL_ACTION } from '#domain/audit.ts';
import { Notice, useFocusHeading } from '../components.tsx';
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
import { Link } from '../router.tsx';
import { eventDetails, loadError, signed, useComplaint } from './complaint.tsx';
import { correctedFieldName, correctedValue } from './corrections.tsx';
import { endingText } from './end-complaint.tsx';
import { RelatedFlagLines } from './related.tsx';
import type { Complaint, TimelineEvent } from './types.ts';

/** The audit actions that are the paper form's signatures. */
const SIGNATURES = {
  received: ['complaint-received'],
  supervisor: ['supervisor-signed', 'complaint-rejected'],
  commitment: ['department-committed'],
  satisfaction: ['satisfaction-recorded', 'satisfaction-no-answer'],
  closing: ['supervisor-countersigned'],
  filed: ['record-filed-by-clerk'],
} as const;

/** Follow-up records (procedure steps 1–2, 4–6, 8): who did what, when. */
const FOLLOW_UPS = new Set([
  'area-changed',
  'complaint-clarified',
  'owner-acknowledged-by-phone',
  'owner-not-reached',
  'owner-acknowledgement-sent',
  'work-order-issued',
  'owner-plan-sent',
  'owner-accepted-plan',
  'owner-objected',
  'work-started',
  'obstacle-reported',
  'obstacle-cleared',
  // The step's clock paused (why, until when) and resumed (its deadline then).
  'step-paused',
  'step-resumed',
  // Progress notices while the work went on: the department's lines and the owner's notices.
  'progress-update-requested',
  'progress-updated',
  'progress-update-missing',
  'owner-progress-sent',
  'progress-notices-off',
  'progress-notices-on',
  'work-done',
  'owner-satisfaction-request-sent',
  'owner-message-sent',
  'complaint-reopened',
  'dissatisfaction-closed',
]);
const ESCALATIONS = new Set([
  'step-overdue',
  'escalated',
  'escalation-resolved',
  'manager-reminded',
  'closed-by-manager',
  'answer-too-late',
  // A step failed after its retries: customer service retried it, skipped it or closed the complaint.
  'workflow-error',
  'workflow-step-retried',
  'workflow-step-skipped',
  'closed-by-error',
]);

/** The latest audit event of these actions: re-signed after a reopen, the form shows the last. */
function signatureOf(c: Complaint, actions: readonly string[]): TimelineEvent | undefined {
  return [...c.timeline].reverse().find((event) => actions.includes(event.action));
}

function Sign({ event, complaint }: { event: TimelineEvent | undefined; complaint: Complaint }) {
  return (
    <span class="f17-sign" data-testid={event ? 'signature' : 'unsigned'}>
      {t('app.labelled', {
        label: t('form17.signature'),
        value: event
          ? signed(
              {
                by: event.actor,
                role: event.role,
                at: event.at,
                ...(event.actorName ? { name: event.actorName } : {}),
              },
              complaint.owner,
            )
          : t('form17.unsigned'),
      })}
    </span>
  );
}

function Row({ label, children, span = 3 }: { label: string; children: ComponentChildren; span?: number }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td colSpan={span}>{children}</td>
    </tr>
  );
}

const box = (checked: boolean) => (checked ? '☑' : '☐');

/**
 * Form 17, 《投訴處理記錄表》, laid out like the paper form, every signature as name, role and
 * time from the audit trail; prints on A4 (styles.css, @media print).
 */
export function Form17({ complaintRef }: { complaintRef: string }) {
  const heading = useFocusHeading(complaintRef);
  const { complaint: c, error } = useComplaint(complaintRef);
  if (error) return <Notice kind="error">{t(loadError(error))}</Notice>;
  if (!c) return <p>{t('app.loading')}</p>;

  const followUps = c.timeline.filter((e) => FOLLOW_UPS.has(e.action));
  const escalations = c.timeline.filter((e) => ESCALATIONS.has(e.action));
  const calls = c.timeline.filter((e) => e.action === CALL_ACTION);
  const corrections = c.timeline.filter((e) => e.action === 'record-corrected');
  const second = c.owner.secondContact;
  const rating = c.satisfaction?.rating;
  return (
    <article class="form17" data-testid="form17">
      <div class="no-print page-head">
        <Link href={`/complaints/${encodeURIComponent(c.ref)}`}>{t('app.back')}</Link>
        <button type="button" class="primary" onClick={() => print()}>
          {t('app.print')}
        </button>
      </div>
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
      <header class="f17-head">
        <h1 ref={heading} tabIndex={-1}>
          {t('form17.title')}
        </h1>
        <p class="f17-no">{t('form17.formNo')}</p>
      </header>
      <table class="f17">
        <colgroup>
          <col class="f17-label" />
          <col />
          <col class="f17-label" />
          <col />
        </colgroup>
        <tbody>
          <tr>
            <th scope="row">{t('form17.ref')}</th>
            <td class="f17-ref">{c.ref}</td>
            <th scope="row">{t('form17.received')}</th>
            <td>{formatDateTime(c.receivedAt)}</td>
          </tr>
          <tr>
            <th scope="row">{t('form17.channel')}</th>
            <td colSpan={3}>
              {CHANNELS.map((channel) => (
                <span key={channel} class="f17-box">
                  {box(c.channel === channel)} {t(`channel.${channel}`)}
                </span>
              ))}
            </td>
          </tr>
          <tr>
            <th scope="row">{t('form17.owner')}</th>
            <td>{c.personalDataErased ? t('retention.erasedValue') : c.owner.name}</td>
            <th scope="row">{t('form17.contact')}</th>
            <td>
              {[c.owner.phone, c.owner.email].filter(Boolean).join(' / ')}
              {second ? (
                <div class="sub">
                  {t('app.labelled', {
                    label: t('correct.secondContact'),
                    value: [second.name, second.phone, second.email].filter(Boolean).join(' / '),
                  })}
                </div>
              ) : null}
            </td>
          </tr>
          <Row label={t('form17.place')}>
            {[areaName(c.area), c.building, c.unit].filter(Boolean).join(' / ')}
          </Row>
          {c.relatedFlags?.repeatOf?.length || c.relatedFlags?.cluster ? (
            <Row label={t('form17.related')}>
              <RelatedFlagLines flags={c.relatedFlags} />
            </Row>
          ) : null}
          <Row label={t('form17.content')}>
            <div class="f17-content prewrap">
              {c.personalDataErased ? t('retention.erasedValue') : c.content}
            </div>
            {c.clarifiedPurpose ? <div class="prewrap">{c.clarifiedPurpose}</div> : null}
          </Row>
          <tr>
            <th scope="row">{t('form17.category')}</th>
            <td>{categoryName(c.category)}</td>
            <th scope="row">{t('form17.receivedBy')}</th>
            <td>
              <Sign complaint={c} event={signatureOf(c, SIGNATURES.received)} />
            </td>
          </tr>
          <Row label={t('form17.opinion')}>
            <div class="f17-content prewrap">
              {c.supervisorReview?.opinion ??
                (c.rejection
                  ? t('app.labelled', { label: t('complaint.rejection'), value: c.rejection.reason })
                  : '')}
            </div>
            <Sign complaint={c} event={signatureOf(c, SIGNATURES.supervisor)} />
          </Row>
          <tr>
            <th scope="row">{t('form17.department')}</th>
            <td>{c.department ? departmentName(c.department) : ''}</td>
            <th scope="row">{t('form17.workOrder')}</th>
            <td>{c.workOrder?.number ?? ''}</td>
          </tr>
          <Row label={t('form17.commitment')}>
            <span class="f17-pair">
              {t('app.labelled', {
                label: t('form17.start'),
                value: c.commitment ? formatDateTime(c.commitment.plannedStart) : '',
              })}
            </span>
            <span class="f17-pair">
              {t('app.labelled', {
                label: t('form17.completion'),
                value: c.commitment ? formatDateTime(c.commitment.plannedCompletion) : '',
              })}
            </span>
            <Sign complaint={c} event={signatureOf(c, SIGNATURES.commitment)} />
          </Row>
          <Row label={t('form17.followUps')}>
            <EventTable events={followUps} complaint={c} />
          </Row>
          <Row label={t('form17.calls')}>
            {calls.length ? <CallTable events={calls} /> : t('form17.noCalls')}
          </Row>
          <Row label={t('form17.escalations')}>
            {escalations.length ? (
              <EventTable events={escalations} complaint={c} />
            ) : (
              t('form17.noEscalations')
            )}
          </Row>
          <Row label={t('form17.corrections')}>
            {corrections.length ? (
              <CorrectionTable events={corrections} />
            ) : (
              <span data-testid="no-corrections">{t('form17.noCorrections')}</span>
            )}
          </Row>
          <Row label={t('form17.actualCompletion')}>
            {c.actualCompletion ? formatDateTime(c.actualCompletion) : ''}
          </Row>
          <Row label={t('form17.ownerOpinion')}>
            {(['satisfied', 'basically-satisfied', 'dissatisfied'] as const).map((r) => (
              <span key={r} class="f17-box">
                {box(rating === r)} {t(`rating.${r}`)}
              </span>
            ))}
            {rating === 'no-answer' ? <span class="f17-box">☑ {t('rating.no-answer')}</span> : null}
            <div class="prewrap">
              {t('app.labelled', { label: t('form17.comments'), value: c.satisfaction?.comments ?? '' })}
            </div>
            <Sign complaint={c} event={signatureOf(c, SIGNATURES.satisfaction)} />
          </Row>
          <Row label={t('form17.closing')}>
            {c.closingSignature?.note ? <div class="prewrap">{c.closingSignature.note}</div> : null}
            {c.ending ? (
              <div class="prewrap" data-testid="form17-ending">
                {t('app.labelled', { label: t('form17.ending'), value: endingText(c.ending, false) })}
              </div>
            ) : null}
            {c.closedByError ? (
              <div class="prewrap" data-testid="closed-by-error">
                {t('app.labelled', { label: t('complaint.closedByError'), value: c.closedByError.reason })}
              </div>
            ) : null}
            <Sign
              complaint={c}
              event={signatureOf(
                c,
                c.closedByError
                  ? ['closed-by-error']
                  : c.ending
                    ? ['withdrawal-recorded', 'referral-recorded']
                    : SIGNATURES.closing,
              )}
            />
          </Row>
          <Row label={t('form17.filed')}>
            <span class="f17-pair">
              {t('app.labelled', { label: t('form17.location'), value: c.filed?.location ?? '' })}
            </span>
            <Sign complaint={c} event={signatureOf(c, SIGNATURES.filed)} />
          </Row>
        </tbody>
      </table>
      <p class="f17-foot">
        {c.ref} · {t('form17.printed', { at: formatDateTime(new Date().toISOString()) })} ·{' '}
        {tOr(`status.${c.status}`, c.status)}
      </p>
    </article>
  );
}

function EventTable({ events, complaint }: { events: TimelineEvent[]; complaint: Complaint }) {
  return (
    <table class="f17-events">
      <thead>
        <tr>
          <th scope="col">{t('form17.date')}</th>
          <th scope="col">{t('form17.by')}</th>
          <th scope="col">{t('form17.what')}</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event, i) => (
          <tr key={`${event.at}-${i}`}>
            <td>{formatDateTime(event.at)}</td>
            <td>
              {actorName(event.actor, event.actorName)}
              {event.actor === 'system' || event.actor === 'owner' ? null : (
                <span class="sub">{roleName(event.role)}</span>
              )}
            </td>
            <td>
              {tOr(`action.${event.action}`, event.action)}
              {eventDetails(event, complaint) ? (
                <span class="sub">{eventDetails(event, complaint)}</span>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The corrections of the record: each changed field, what it was and became, by whom and why. */
function CorrectionTable({ events }: { events: TimelineEvent[] }) {
  return (
    <table class="f17-events f17-corrections" data-testid="form17-corrections">
      <thead>
        <tr>
          <th scope="col">{t('form17.date')}</th>
          <th scope="col">{t('form17.by')}</th>
          <th scope="col">{t('form17.field')}</th>
          <th scope="col">{t('form17.change')}</th>
          <th scope="col">{t('form17.reason')}</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event, i) => {
          const details = event.details ?? {};
          return (
            <tr key={`${event.at}-${i}`}>
              <td>{formatDateTime(event.at)}</td>
              <td>
                {actorName(event.actor, event.actorName)}
                <span class="sub">{roleName(event.role)}</span>
              </td>
              <td>{correctedFieldName(details.field)}</td>
              <td class="prewrap">
                {correctedValue(details.field, details.from)} → {correctedValue(details.field, details.to)}
              </td>
              <td class="prewrap">{typeof details.reason === 'string' ? details.reason : ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/**
 * The contact record: every call to the owner, when it was dialled, by whom, the number, what
 * it came to and what was said, and for which step (the call log's lines of the timeline).
 */
function CallTable({ events }: { events: TimelineEvent[] }) {
  return (
    <table class="f17-events f17-calls" data-testid="form17-calls">
      <thead>
        <tr>
          <th scope="col">{t('form17.date')}</th>
          <th scope="col">{t('form17.by')}</th>
          <th scope="col">{t('form17.number')}</th>
          <th scope="col">{t('form17.what')}</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event, i) => {
          const d = event.details ?? {};
          const text = (value: unknown) => (typeof value === 'string' ? value : '');
          return (
            <tr key={`${event.at}-${i}`} data-result={text(d.result)}>
              <td>{formatDateTime(text(d.calledAt) || event.at)}</td>
              <td>
                {actorName(event.actor, event.actorName)}
                <span class="sub">{roleName(event.role)}</span>
              </td>
              <td class="f17-number">{text(d.number)}</td>
              <td>
                {tOr(`callResult.${text(d.result)}`, text(d.result))}
                <span class="sub">
                  {stepName(text(d.step))} · {t('call.attempt', { n: String(d.attempt ?? '') })}
                </span>
                {d.notes ? <span class="sub prewrap">{text(d.notes)}</span> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
