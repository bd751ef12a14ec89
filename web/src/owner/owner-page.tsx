import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ownerApi } from '../api.ts';
import { Choice, ErrorSummary, Field, Notice, useFieldErrors, useFocusHeading } from '../components.tsx';
import { departmentName, formatDateTime, isLang, onLangChange, setLang, t } from '../i18n.ts';
import { LanguageSwitch } from '../language-switch.tsx';
import type { MessageKey } from '../messages/zh-Hant.ts';
import { type FieldErrors, fromServer } from '../validation.ts';

/**
 * The owner's pages, reached from the single-use links in our emails: confirm or object to
 * the plan, or rate the finished work. No sign-in; the page only reads until the owner sends
 * (GET never acts: mail scanners open links first). In the owner's language.
 */
interface LinkView {
  readonly status: 'open' | 'used' | 'expired' | 'closed' | 'unknown' | 'answered';
  readonly ref?: string;
  readonly step?: 'ownerPlanResponse' | 'satisfactionCallback';
  readonly language?: string;
  /** The step's deadline, as the email gave it (the link itself works longer). */
  readonly answerBy?: string;
  readonly complaint?: {
    receivedAt: string;
    opinion?: string;
    department?: string;
    plannedStart?: string;
    plannedCompletion?: string;
    actualCompletion?: string;
  };
}

const PROBLEM_TEXT: Record<string, MessageKey> = {
  used: 'owner.used',
  expired: 'owner.expired',
  closed: 'owner.closed',
  unknown: 'owner.unknown',
  answered: 'owner.thanks',
};

export function mount(root: HTMLElement) {
  render(<OwnerPage linkId={decodeURIComponent(location.pathname.slice('/owner/'.length))} />, root);
}

function OwnerPage({ linkId }: { linkId: string }) {
  const [view, setView] = useState<LinkView | undefined>();
  const [failed, setFailed] = useState(false);
  const [, setRenders] = useState(0);
  useEffect(() => onLangChange(() => setRenders((n) => n + 1)), []);
  useEffect(() => {
    ownerApi<LinkView>('GET', `/api/owner/${encodeURIComponent(linkId)}`).then(
      ({ body }) => {
        if (isLang(body.language)) setLang(body.language, false);
        setView(body.status ? body : { status: 'unknown' });
      },
      () => setFailed(true),
    );
  }, [linkId]);

  return (
    <div class="owner">
      <div class="sign-in__bar">
        <span class="brand">{t('app.title')}</span>
        <LanguageSwitch rememberFor={false} />
      </div>
      <main id="main">
        {failed ? <Notice kind="error">{t('error.network')}</Notice> : null}
        {!view && !failed ? <p>{t('app.loading')}</p> : null}
        {view && view.status !== 'open' ? <Done view={view} /> : null}
        {view?.status === 'open' ? <Ask view={view} linkId={linkId} onAnswered={setView} /> : null}
      </main>
    </div>
  );
}

function Done({ view }: { view: LinkView }) {
  const heading = useFocusHeading(view.status);
  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        {t('owner.title')}
      </h1>
      {view.ref ? <p class="sub">{t('owner.ref', { ref: view.ref })}</p> : null}
      <Notice kind={view.status === 'answered' ? 'success' : 'info'}>
        <p data-testid="owner-message">{t(PROBLEM_TEXT[view.status] ?? 'owner.unknown')}</p>
      </Notice>
    </section>
  );
}

function Ask({
  view,
  linkId,
  onAnswered,
}: {
  view: LinkView;
  linkId: string;
  onAnswered: (v: LinkView) => void;
}) {
  const plan = view.step === 'ownerPlanResponse';
  const heading = useFocusHeading(view.step);
  const [choice, setChoice] = useState('');
  const [comments, setComments] = useState('');
  const problems = useFieldErrors();
  const errors = problems.errors;
  const [sending, setSending] = useState(false);
  const [failed, setFailed] = useState(false);
  const field = plan ? 'action' : 'rating';
  const c = view.complaint;
  const check = (chosen: string): FieldErrors => (chosen ? {} : { [field]: 'owner.chooseAnswer' });

  const send = async (event: Event) => {
    event.preventDefault();
    const found = check(choice);
    problems.found(found);
    if (Object.keys(found).length) return;
    setSending(true);
    setFailed(false);
    try {
      const body = { [field]: choice, ...(comments.trim() ? { comments: comments.trim() } : {}) };
      const answer = await ownerApi<LinkView>('POST', `/api/owner/${encodeURIComponent(linkId)}`, body);
      if (answer.status === 400) problems.fromApi(fromServer((answer.body as { errors?: [] }).errors ?? []));
      else if (answer.body.status) onAnswered({ ...answer.body, ...(view.ref ? { ref: view.ref } : {}) });
      else setFailed(true);
    } catch {
      setFailed(true);
    } finally {
      setSending(false);
    }
  };

  const options = plan
    ? [
        { value: 'accept', label: t('owner.accept') },
        { value: 'object', label: t('owner.object') },
      ]
    : (['satisfied', 'basically-satisfied', 'dissatisfied'] as const).map((r) => ({
        value: r,
        label: t(`rating.${r}`),
      }));

  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        {plan ? t('owner.planTitle') : t('owner.satisfactionTitle')}
      </h1>
      <p class="sub">{t('owner.ref', { ref: view.ref ?? '' })}</p>
      <p>{plan ? t('owner.planIntro') : t('owner.satisfactionIntro')}</p>
      {c ? (
        <dl class="record">
          {plan && c.opinion ? <Item label={t('owner.opinion')} value={c.opinion} /> : null}
          {c.department ? <Item label={t('owner.department')} value={departmentName(c.department)} /> : null}
          {plan && c.plannedStart ? (
            <Item label={t('owner.plannedStart')} value={formatDateTime(c.plannedStart)} />
          ) : null}
          {plan && c.plannedCompletion ? (
            <Item label={t('owner.plannedCompletion')} value={formatDateTime(c.plannedCompletion)} />
          ) : null}
          {!plan && c.actualCompletion ? (
            <Item label={t('owner.completed')} value={formatDateTime(c.actualCompletion)} />
          ) : null}
        </dl>
      ) : null}
      {view.answerBy ? <p class="sub">{t('owner.answerBy', { at: formatDateTime(view.answerBy) })}</p> : null}
      {failed ? <Notice kind="error">{t('app.error')}</Notice> : null}
      <ErrorSummary
        errors={errors}
        labels={{ [field]: plan ? t('owner.planTitle') : t('decision.rating') }}
      />
      <form class="form" onSubmit={send} noValidate>
        <Choice
          field={field}
          legend={plan ? t('owner.planTitle') : t('decision.rating')}
          options={options}
          value={choice}
          onChange={(chosen) => {
            setChoice(chosen);
            problems.edited(field, check(chosen));
          }}
          errors={errors}
        />
        <Field
          field="comments"
          label={t('owner.comments')}
          errors={errors}
          {...(plan && choice === 'object' ? { hint: t('owner.objectHint') } : {})}
        >
          {(a) => (
            <textarea
              {...a}
              rows={4}
              value={comments}
              onInput={(e) => {
                setComments(e.currentTarget.value);
                problems.edited('comments', check(choice));
              }}
            />
          )}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={sending}>
            {sending ? t('owner.sending') : t('owner.send')}
          </button>
        </div>
      </form>
    </section>
  );
}

function Item({ label, value }: { label: string; value: string }) {
  return (
    <div class="record__item record__item--wide">
      <dt>{label}</dt>
      <dd class="prewrap">{value}</dd>
    </div>
  );
}
