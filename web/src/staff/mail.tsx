import { useEffect, useRef, useState } from 'preact/hooks';
import { visibleAreas } from '#domain/access.ts';
import { type ApiError, api } from '../api.ts';
import type { Session } from '../auth.ts';
import {
  DateInput,
  ErrorSummary,
  Field,
  fieldId,
  Notice,
  useFieldErrors,
  useFocusHeading,
} from '../components.tsx';
import { actorName, areaName, formatDateTime, t, tOr } from '../i18n.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';
import { Link, navigate } from '../router.tsx';
import { dayMonthYearOf, type FieldErrors, fromServer, parseDayMonthYearDate } from '../validation.ts';
import { Item } from './complaint.tsx';
import { formatSize, MailFiles } from './mail-files.tsx';
import type { MailAttachment } from './types.ts';

/** A line of the mail log as `GET /api/mail` gives it (docs/openapi.json `MailSummary`). */
export interface MailSummary {
  readonly id: string;
  readonly receivedAt: string;
  readonly area: string;
  readonly outcome: string;
  readonly reason?: string;
  readonly ref?: string;
  readonly releasedRef?: string;
  readonly from?: string;
  readonly fromName?: string;
  readonly subject?: string;
  readonly attachments?: MailAttachment[];
  readonly verdicts?: Record<string, string>;
  readonly releasedBy?: string;
  readonly releasedAt?: string;
}

/** One message as `GET /api/mail/{id}` gives it (docs/openapi.json `Mail`). */
export interface MailMessage extends MailSummary {
  readonly text?: string;
  readonly recipients?: string[];
  readonly rawMessage?: { bytes: number };
}

/** Automatic mail intake answers nobody and opens nothing for (the filter's "ignored"). */
const IGNORED = ['auto-reply', 'bounce', 'bulk', 'own-address', 'duplicate'];
/** What staff may release into a complaint (lambdas/domain/mail/intake.ts RELEASABLE, and an interrupted release). */
const RELEASABLE = ['held', 'quarantined', 'auto-reply', 'bulk', 'releasing'];

const WAITING_OUTCOMES = ['all', 'held', 'quarantined'] as const;
const DAY_OUTCOMES = [
  'all',
  'complaint-opened',
  'threaded',
  'held',
  'quarantined',
  'released',
  'ignored',
] as const;

interface Filters {
  /** `waiting`: held and quarantined mail of every day; `day`: everything received on one day. */
  readonly show: 'waiting' | 'day';
  /** A Hong Kong calendar day. */
  readonly day: string;
  readonly outcome: string;
}

const HK_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
const hkDayOf = (at: string | number) =>
  new Date(new Date(at).getTime() + HK_OFFSET_MS).toISOString().slice(0, 10);
const isDay = (value: string | null): value is string =>
  value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));

function filtersFrom(query: URLSearchParams): Filters {
  const show = query.get('show') === 'day' ? 'day' : 'waiting';
  const outcomes: readonly string[] = show === 'day' ? DAY_OUTCOMES : WAITING_OUTCOMES;
  const outcome = query.get('outcome') ?? 'all';
  const day = query.get('day');
  return {
    show,
    day: isDay(day) ? day : hkDayOf(Date.now()),
    outcome: outcomes.includes(outcome) ? outcome : 'all',
  };
}

function matches(item: MailSummary, outcome: string): boolean {
  if (outcome === 'all') return true;
  if (outcome === 'ignored') return IGNORED.includes(item.outcome);
  if (outcome === 'released') return item.outcome === 'released' || item.outcome === 'releasing';
  return item.outcome === outcome;
}

const newestFirst = (a: MailSummary, b: MailSummary) => b.receivedAt.localeCompare(a.receivedAt);

/** Loaded mail, and where each UTC day of the log goes on (its nextToken) while it has more. */
interface MailPages {
  readonly items: MailSummary[];
  readonly next: Readonly<Record<string, string>>;
}

/** The first pages of what the filters show, or with `more`, the next pages of the days that have more. */
async function loadMail(filters: Filters, more?: MailPages['next']): Promise<MailPages> {
  if (filters.show === 'waiting') {
    const statuses = filters.outcome === 'all' ? ['held', 'quarantined'] : [filters.outcome];
    const pages = await Promise.all(
      statuses.map((status) => api<{ items: MailSummary[] }>('GET', `/api/mail?status=${status}&limit=200`)),
    );
    return { items: pages.flatMap((page) => page.items).sort(newestFirst), next: {} };
  }
  // The mail log is kept by UTC day; a Hong Kong day (UTC+8) starts on the UTC day before.
  const before = new Date(Date.parse(`${filters.day}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
  const days = more ? Object.keys(more) : [before, filters.day];
  const pages = await Promise.all(
    days.map(async (day) => {
      const token = more?.[day];
      const page = await api<{ items: MailSummary[]; nextToken?: string }>(
        'GET',
        `/api/mail?day=${day}&limit=200${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`,
      );
      return { day, ...page };
    }),
  );
  return {
    items: pages
      .flatMap((page) => page.items)
      .filter((item) => hkDayOf(item.receivedAt) === filters.day && matches(item, filters.outcome)),
    next: Object.fromEntries(pages.flatMap((page) => (page.nextToken ? [[page.day, page.nextToken]] : []))),
  };
}

/** Pages put together: each message once, newest first (a day's log comes in the log's order). */
function withMore(loaded: MailSummary[], more: MailSummary[]): MailSummary[] {
  const seen = new Set(loaded.map((mail) => mail.id));
  return [...loaded, ...more.filter((mail) => !seen.has(mail.id))].sort(newestFirst);
}

const sender = (mail: Pick<MailSummary, 'from' | 'fromName'>) =>
  mail.from ? (mail.fromName ? `${mail.fromName} <${mail.from}>` : mail.from) : t('mail.noSender');

const loadProblem = (error: ApiError, notFound: MessageKey = 'error.notFound'): MessageKey =>
  error.status === 403
    ? 'error.forbidden'
    : error.status === 404
      ? notFound
      : error.status === 0
        ? 'error.network'
        : 'app.error';

/** What became of a message: outcome, the complaint it opened or joined (a link), and why. */
function Outcome({ mail }: { mail: MailSummary }) {
  const ref = mail.outcome === 'released' || mail.outcome === 'releasing' ? mail.releasedRef : mail.ref;
  return (
    <>
      <span class={`badge badge--mail badge--mail-${mail.outcome}`}>
        {tOr(`mail.outcome.${mail.outcome}`, mail.outcome)}
      </span>
      {ref ? (
        <>
          {' '}
          <Link href={`/complaints/${encodeURIComponent(ref)}`}>{ref}</Link>
        </>
      ) : null}
      {mail.reason ? <div class="sub">{tOr(`mail.reason.${mail.reason}`, mail.reason)}</div> : null}
    </>
  );
}

/** *Mail*: the mail log, held and quarantined messages first; each one a click from its page. */
export function MailLog({ query }: { query: URLSearchParams }) {
  const heading = useFocusHeading('mail');
  const filters = filtersFrom(query);
  const key = `${filters.show}|${filters.day}|${filters.outcome}`;
  const [items, setItems] = useState<MailSummary[] | undefined>();
  const [next, setNext] = useState<MailPages['next']>({});
  const [error, setError] = useState<MessageKey | undefined>();
  const [loadingMore, setLoadingMore] = useState(false);
  // The filters now shown, so a page loaded for filters changed since is dropped.
  const shown = useRef(key);
  shown.current = key;

  useEffect(() => {
    setItems(undefined);
    setNext({});
    setError(undefined);
    // An answer for filters changed since is dropped, so a slow page cannot overwrite a newer one.
    let current = true;
    loadMail(filters).then(
      (found) => {
        if (!current) return;
        setItems(found.items.sort(newestFirst));
        setNext(found.next);
      },
      (e: ApiError) => current && setError(loadProblem(e)),
    );
    return () => {
      current = false;
    };
  }, [key]);

  const loadMore = async () => {
    setLoadingMore(true);
    try {
      const asked = key;
      const found = await loadMail(filters, next);
      if (shown.current !== asked) return;
      setItems((loaded) => withMore(loaded ?? [], found.items));
      setNext(found.next);
    } catch (e) {
      setError(loadProblem(e as ApiError));
    } finally {
      setLoadingMore(false);
    }
  };
  const hasMore = Object.keys(next).length > 0;

  return (
    <section>
      <div class="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {t('mail.title')}
        </h1>
      </div>
      <p class="lead">{t('mail.intro')}</p>
      <FilterForm key={key} filters={filters} />
      {error ? <Notice kind="error">{t(error)}</Notice> : null}
      {!items && !error ? <p>{t('app.loading')}</p> : null}
      {items && items.length === 0 && !hasMore ? <p>{t('mail.empty')}</p> : null}
      {items && items.length > 0 ? (
        <>
          <p class="sub" role="status">
            {t('mail.count', { n: items.length })}
          </p>
          <table class="table" data-testid="mail-log">
            <thead>
              <tr>
                <th scope="col">{t('mail.received')}</th>
                <th scope="col">{t('mail.from')}</th>
                <th scope="col">{t('mail.subject')}</th>
                <th scope="col">{t('mail.outcome')}</th>
                <th scope="col">{t('field.area')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((mail) => (
                <tr key={mail.id} data-mail-id={mail.id}>
                  <td>{formatDateTime(mail.receivedAt)}</td>
                  <td class="break">{sender(mail)}</td>
                  <td class="break">
                    <Link href={`/mail/${encodeURIComponent(mail.id)}`}>
                      {mail.subject || t('mail.noSubject')}
                    </Link>
                    {mail.attachments?.length ? (
                      <span class="sub"> · {t('mail.attachmentCount', { n: mail.attachments.length })}</span>
                    ) : null}
                  </td>
                  <td>
                    <Outcome mail={mail} />
                  </td>
                  <td>{areaName(mail.area)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {items && hasMore ? (
        <button type="button" data-testid="mail-more" onClick={() => void loadMore()} disabled={loadingMore}>
          {t('list.more')}
        </button>
      ) : null}
    </section>
  );
}

/** The filters, as the URL has them when the list opens; applied by navigating (so they can be linked). */
function FilterForm({ filters }: { filters: Filters }) {
  const [form, setForm] = useState<Filters>(filters);
  // The day as typed, dd/mm/yyyy (the URL and the API keep YYYY-MM-DD).
  const [dayTyped, setDayTyped] = useState(dayMonthYearOf(filters.day));
  const [dayProblem, setDayProblem] = useState<MessageKey | undefined>();
  const apply = (event: Event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (form.show === 'day') {
      const day = parseDayMonthYearDate(dayTyped);
      if ('problem' in day) {
        setDayProblem(day.problem);
        return;
      }
      params.set('show', 'day');
      params.set('day', day.date);
    }
    if (form.outcome !== 'all') params.set('outcome', form.outcome);
    navigate(`/mail${params.size ? `?${params}` : ''}`);
  };
  const outcomes = form.show === 'day' ? DAY_OUTCOMES : WAITING_OUTCOMES;
  return (
    <form class="filters" onSubmit={apply} aria-label={t('mail.filters')}>
      <label class="filter">
        <span>{t('mail.show')}</span>
        <select
          name="show"
          value={form.show}
          onChange={(event) => {
            const show = (event.currentTarget as HTMLSelectElement).value === 'day' ? 'day' : 'waiting';
            const allowed: readonly string[] = show === 'day' ? DAY_OUTCOMES : WAITING_OUTCOMES;
            setForm({ ...form, show, outcome: allowed.includes(form.outcome) ? form.outcome : 'all' });
          }}
        >
          <option value="waiting">{t('mail.show.waiting')}</option>
          <option value="day">{t('mail.show.day')}</option>
        </select>
      </label>
      {form.show === 'day' ? (
        <div class="filter">
          <label for="mail-day">{t('mail.day')}</label>
          <DateInput
            attributes={{
              id: 'mail-day',
              name: 'day',
              required: true,
              'aria-invalid': dayProblem ? 'true' : undefined,
              'aria-describedby': dayProblem ? 'mail-day-error' : undefined,
            }}
            value={dayTyped}
            onInput={(event) => {
              const typed = (event.currentTarget as HTMLInputElement).value;
              setDayTyped(typed);
              // The problem goes once the day is one (or says what is wrong with it now).
              if (dayProblem) {
                const day = parseDayMonthYearDate(typed);
                setDayProblem('problem' in day ? day.problem : undefined);
              }
            }}
          />
          {dayProblem ? (
            <span class="error" id="mail-day-error" role="alert">
              {t(dayProblem)}
            </span>
          ) : null}
        </div>
      ) : null}
      <label class="filter">
        <span>{t('mail.outcome')}</span>
        <select
          name="outcome"
          value={form.outcome}
          onChange={(event) =>
            setForm({ ...form, outcome: (event.currentTarget as HTMLSelectElement).value })
          }
        >
          {outcomes.map((outcome) => (
            <option key={outcome} value={outcome}>
              {t(`mail.outcome.${outcome}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">{t('list.apply')}</button>
    </form>
  );
}

/** One received message: who sent it, its text (as text only), attachments, and its release. */
export function MailMessagePage({ session, id }: { session: Session; id: string }) {
  const heading = useFocusHeading(id);
  const [mail, setMail] = useState<MailMessage | undefined>();
  const [error, setError] = useState<MessageKey | undefined>();
  const [released, setReleased] = useState<string | undefined>();
  const [conflict, setConflict] = useState(false);

  const load = () =>
    api<MailMessage>('GET', `/api/mail/${encodeURIComponent(id)}`).then(
      (answer) => {
        setMail(answer);
        setError(undefined);
      },
      (e: ApiError) => setError(loadProblem(e, 'mail.notFound')),
    );
  useEffect(() => {
    setMail(undefined);
    setReleased(undefined);
    setConflict(false);
    void load();
  }, [id]);

  const releasable = mail !== undefined && RELEASABLE.includes(mail.outcome);
  const verdict = (name: 'spam' | 'virus') => {
    const value = mail?.verdicts?.[name];
    return t(`mail.check.${name}`, {
      result: value === 'PASS' || value === 'FAIL' ? t(`mail.check.${value}`) : t('mail.check.other'),
    });
  };

  return (
    <section class="mail-message">
      <p>
        <Link href="/mail">{t('mail.back')}</Link>
      </p>
      <h1 ref={heading} tabIndex={-1} class="break">
        {mail ? mail.subject || t('mail.noSubject') : t('nav.mail')}
      </h1>
      {error ? <Notice kind="error">{t(error)}</Notice> : null}
      {!mail && !error ? <p>{t('app.loading')}</p> : null}
      {released ? (
        <Notice kind="success">
          <p data-testid="released">
            {t('mail.release.done', { ref: released })}{' '}
            <Link href={`/complaints/${encodeURIComponent(released)}`}>
              {t('mail.release.view', { ref: released })}
            </Link>
          </p>
        </Notice>
      ) : null}
      {conflict ? <Notice kind="error">{t('mail.release.conflict')}</Notice> : null}
      {mail ? (
        <>
          <section class="card" aria-label={t('mail.outcome')}>
            <dl class="record">
              <Item label={t('mail.received')}>{formatDateTime(mail.receivedAt)}</Item>
              <Item label={t('mail.from')}>
                <span class="break" data-testid="mail-from">
                  {sender(mail)}
                </span>
              </Item>
              <Item label={t('mail.to')}>{mail.recipients?.join(', ') || t('app.none')}</Item>
              <Item label={t('field.area')}>{areaName(mail.area)}</Item>
              <Item label={t('mail.outcome')}>
                <Outcome mail={mail} />
                {mail.releasedBy && mail.releasedAt ? (
                  <div class="sub">
                    {t('mail.releasedBy', {
                      name: actorName(mail.releasedBy),
                      at: formatDateTime(mail.releasedAt),
                    })}
                  </div>
                ) : null}
              </Item>
              <Item label={t('mail.checks')}>
                {verdict('spam')} · {verdict('virus')}
              </Item>
              {mail.rawMessage ? (
                <Item label={t('mail.rawSize')}>{formatSize(mail.rawMessage.bytes)}</Item>
              ) : null}
            </dl>
          </section>

          <section class="card" aria-labelledby="mail-text-heading">
            <h2 id="mail-text-heading">{t('mail.text')}</h2>
            <p class="hint">{t('mail.textNote')}</p>
            {/* Text nodes only: whatever the sender wrote is never parsed as HTML. */}
            <div class="prewrap mail-text" data-testid="mail-text">
              {mail.text?.trim() ? (
                mail.text
              ) : mail.ref && (mail.outcome === 'complaint-opened' || mail.outcome === 'threaded') ? (
                // The log keeps the text of mail that did not become a complaint; the rest is the
                // complaint's, in its correspondence (where its charset was decoded too).
                <>
                  {t('mail.textOnComplaint')}{' '}
                  <Link href={`/complaints/${encodeURIComponent(mail.ref)}`}>{mail.ref}</Link>
                </>
              ) : (
                t('mail.textEmpty')
              )}
            </div>
          </section>

          <section class="card" aria-labelledby="mail-files-heading">
            <h2 id="mail-files-heading">{t('mail.attachments')}</h2>
            {mail.attachments?.length ? (
              <>
                <MailFiles attachments={mail.attachments} />
                {releasable ? <p class="hint">{t('mail.attachmentsKept')}</p> : null}
              </>
            ) : (
              <p>{t('mail.noAttachments')}</p>
            )}
          </section>

          {releasable && !released ? (
            <ReleaseForm
              key={mail.id}
              session={session}
              mail={mail}
              onReleased={(ref) => {
                setReleased(ref);
                setConflict(false);
                void load();
              }}
              onConflict={() => {
                setConflict(true);
                void load();
              }}
            />
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** `POST /api/mail/{id}/release`: the area (the intake address's by default), checked at its field. */
function ReleaseForm({
  session,
  mail,
  onReleased,
  onConflict,
}: {
  session: Session;
  mail: MailMessage;
  onReleased: (ref: string) => void;
  onConflict: () => void;
}) {
  // Area staff release only into their own area; head office into any (as the API allows).
  const areas = visibleAreas(session);
  const [area, setArea] = useState(areas.includes(mail.area) ? mail.area : '');
  // Mail that failed a spam or virus check is released only after someone has read it.
  const needsConfirmation = mail.outcome === 'quarantined';
  const [confirmed, setConfirmed] = useState(false);
  const problems = useFieldErrors();
  const errors = problems.errors;
  const [problem, setProblem] = useState<MessageKey | undefined>();
  const [sending, setSending] = useState(false);
  const check = (chosen: string, ticked: boolean): FieldErrors => {
    const found: FieldErrors = {};
    if (!chosen) found.area = 'error.choose';
    if (needsConfirmation && !ticked) found.confirm = 'mail.release.confirmRequired';
    return found;
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (sending) return;
    const found = check(area, confirmed);
    problems.found(found);
    setProblem(undefined);
    if (Object.keys(found).length) return;
    setSending(true);
    try {
      const answer = await api<{ ref: string }>('POST', `/api/mail/${encodeURIComponent(mail.id)}/release`, {
        area,
      });
      onReleased(answer.ref);
    } catch (e) {
      const error = e as ApiError;
      if (error.status === 400) problems.fromApi(fromServer(error.fields));
      else if (error.status === 409) onConflict();
      else setProblem(error.status === 403 ? 'mail.release.forbidden' : loadProblem(error));
    } finally {
      setSending(false);
    }
  };

  const confirmId = fieldId('confirm');
  return (
    <section class="card" aria-labelledby="release-heading">
      <h2 id="release-heading">{t('mail.release.title')}</h2>
      <p>{t('mail.release.intro')}</p>
      <form class="form" onSubmit={submit} noValidate data-testid="release-form">
        <ErrorSummary
          errors={errors}
          labels={{ area: t('mail.release.area'), confirm: t('mail.release.confirmShort') }}
        />
        {problem ? <Notice kind="error">{t(problem)}</Notice> : null}
        <Field field="area" label={t('mail.release.area')} hint={t('mail.release.areaHint')} errors={errors}>
          {(attributes) => (
            <select
              {...attributes}
              value={area}
              onChange={(event) => {
                const chosen = (event.currentTarget as HTMLSelectElement).value;
                setArea(chosen);
                problems.edited('area', check(chosen, confirmed));
              }}
            >
              <option value="">{t('field.choose')}</option>
              {areas.map((id) => (
                <option key={id} value={id}>
                  {areaName(id)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {needsConfirmation ? (
          <div class={`field${errors.confirm ? ' field--invalid' : ''}`}>
            <label class="check">
              <input
                type="checkbox"
                id={confirmId}
                name="confirm"
                checked={confirmed}
                aria-invalid={errors.confirm ? 'true' : undefined}
                aria-describedby={errors.confirm ? `${confirmId}-error` : undefined}
                onChange={(event) => {
                  const ticked = (event.currentTarget as HTMLInputElement).checked;
                  setConfirmed(ticked);
                  problems.edited('confirm', check(area, ticked));
                }}
              />{' '}
              {t('mail.release.confirm')}
            </label>
            {errors.confirm ? (
              <p class="error" id={`${confirmId}-error`} role="alert" data-field="confirm">
                {t(errors.confirm)}
              </p>
            ) : null}
          </div>
        ) : null}
        <div class="actions">
          <button type="submit" class="primary" disabled={sending}>
            {sending ? t('mail.release.submitting') : t('mail.release.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
