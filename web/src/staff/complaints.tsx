import { useEffect, useState } from 'preact/hooks';
import { CATEGORIES, CHANNELS } from '#config/catalogue.ts';
import { mayListOwnerContacts, visibleAreas } from '#domain/access.ts';
import { type ApiError, api } from '../api.ts';
import type { Session } from '../auth.ts';
import { DateInput, Notice, useFocusHeading } from '../components.tsx';
import { areaName, categoryName, departmentName, formatDateTime, stepName, t, tOr } from '../i18n.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';
import { Link, navigate } from '../router.tsx';
import { dayMonthYearOf, parseDayMonthYearDate } from '../validation.ts';
import { csvFileName, type ListItem, toCsv } from './complaints-csv.ts';

const FILTERS = ['area', 'status', 'channel', 'category', 'overdue'] as const;
/** The search and the date range (YYYY-MM-DD, company days), kept in the URL beside the filters. */
const SEARCH = ['q', 'from', 'to'] as const;
/** As lambdas/domain/search.ts MAX_QUERY_CHARS. */
const MAX_QUERY_CHARS = 100;
const PAGE = 50;
/** An export reads page after page; past this many rows, narrow the filters. */
const EXPORT_LIMIT = 5000;

function apiQuery(query: URLSearchParams, limit: number, nextToken?: string): string {
  const params = new URLSearchParams();
  for (const name of [...FILTERS, ...SEARCH]) {
    const value = query.get(name);
    if (value) params.set(name, value);
  }
  params.set('limit', String(limit));
  if (nextToken) params.set('nextToken', nextToken);
  return `/api/complaints?${params}`;
}

/** Complaints of the member's area (head office: every area), newest first, filtered; CSV export. */
export function ComplaintList({ session, query }: { session: Session; query: URLSearchParams }) {
  const heading = useFocusHeading('list');
  const [items, setItems] = useState<ListItem[] | undefined>();
  const [nextToken, setNextToken] = useState<string | undefined>();
  const [error, setError] = useState<MessageKey | undefined>();
  const [exporting, setExporting] = useState(false);
  const key = query.toString();
  /** The date range as typed (dd/mm/yyyy), and the problems of the search's fields. */
  const [typed, setTyped] = useState({ from: '', to: '' });
  const [problems, setProblems] = useState<Partial<Record<(typeof SEARCH)[number], MessageKey>>>({});
  useEffect(() => {
    setTyped({ from: dayMonthYearOf(query.get('from') ?? ''), to: dayMonthYearOf(query.get('to') ?? '') });
  }, [key]);

  const load = async (token?: string) => {
    try {
      const page = await api<{ items: ListItem[]; nextToken?: string }>('GET', apiQuery(query, PAGE, token));
      setItems((previous) => (token ? [...(previous ?? []), ...page.items] : page.items));
      setNextToken(page.nextToken);
      setError(undefined);
    } catch (e) {
      const failure = e as ApiError;
      const q = failure.fields.find((f) => f.field === 'q');
      if (failure.status === 400 && q) {
        // The search has nothing to look up (one Chinese character, one letter): said at the box.
        setItems(undefined);
        setProblems({ q: /at most/.test(q.message) ? 'list.error.queryLong' : 'list.error.queryShort' });
        return;
      }
      setError(
        failure.status === 403 ? 'error.forbidden' : failure.status === 0 ? 'error.network' : 'app.error',
      );
    }
  };
  useEffect(() => {
    setItems(undefined);
    void load();
  }, [key]);

  const applyFilters = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const params = new URLSearchParams();
    const q = String(form.get('q') ?? '').trim();
    if (q) params.set('q', q);
    const found: Partial<Record<(typeof SEARCH)[number], MessageKey>> = {};
    const days: Record<string, string> = {};
    for (const name of ['from', 'to'] as const) {
      if (!typed[name].trim()) continue;
      const day = parseDayMonthYearDate(typed[name]);
      if ('problem' in day) found[name] = day.problem;
      else days[name] = day.date;
    }
    if (days.from && days.to && days.from > days.to) found.to = 'list.error.rangeReversed';
    if ([...q].length > MAX_QUERY_CHARS) found.q = 'list.error.queryLong';
    setProblems(found);
    if (Object.keys(found).length) return;
    for (const name of ['from', 'to'] as const) if (days[name]) params.set(name, days[name]);
    for (const name of FILTERS) {
      const value = String(form.get(name) ?? '');
      if (value) params.set(name, value);
    }
    navigate(`/complaints${params.size ? `?${params}` : ''}`);
  };

  const exportCsv = async () => {
    setExporting(true);
    try {
      const rows: ListItem[] = [];
      let token: string | undefined;
      do {
        const page = await api<{ items: ListItem[]; nextToken?: string }>('GET', apiQuery(query, 100, token));
        rows.push(...page.items);
        token = page.nextToken;
      } while (token && rows.length < EXPORT_LIMIT);
      // Named by the company's (Hong Kong) date: made at 01:00 on 7 Dec, it is the 7th's file.
      download(
        csvFileName(new Date()),
        toCsv(
          rows,
          { t, tOr, areaName, categoryName, departmentName, stepName, formatDateTime },
          { withContacts: mayListOwnerContacts(session) },
        ),
      );
    } catch {
      setError('app.error');
    } finally {
      setExporting(false);
    }
  };

  const areas = visibleAreas(session);
  const select = (
    name: (typeof FILTERS)[number],
    label: string,
    options: { value: string; label: string }[],
  ) => (
    <label class="filter">
      <span>{label}</span>
      <select name={name} value={query.get(name) ?? ''}>
        <option value="">{t('list.all')}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <section>
      <div class="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {t('list.title')}
        </h1>
        <button type="button" onClick={() => void exportCsv()} disabled={exporting}>
          {exporting ? t('list.exporting') : t('list.export')}
        </button>
      </div>
      <form class="filters" onSubmit={applyFilters} aria-label={t('list.filters')} key={key}>
        <div class="filter filter--search">
          <label for="list-q">{t('list.search')}</label>
          <input
            id="list-q"
            name="q"
            type="search"
            defaultValue={query.get('q') ?? ''}
            maxLength={MAX_QUERY_CHARS}
            aria-describedby={problems.q ? 'list-q-hint list-q-error' : 'list-q-hint'}
            aria-invalid={problems.q ? 'true' : undefined}
            onInput={() => problems.q && setProblems({ ...problems, q: undefined })}
          />
          <span class="hint" id="list-q-hint">
            {t('list.searchHint')}
          </span>
          {problems.q ? (
            <span class="error" id="list-q-error" role="alert">
              {t(problems.q)}
            </span>
          ) : null}
        </div>
        {(['from', 'to'] as const).map((name) => (
          <div class="filter" key={name}>
            <label for={`list-${name}`}>{t(name === 'from' ? 'list.from' : 'list.to')}</label>
            <DateInput
              attributes={{
                id: `list-${name}`,
                name,
                'aria-invalid': problems[name] ? 'true' : undefined,
                'aria-describedby': problems[name] ? `list-${name}-error` : undefined,
              }}
              value={typed[name]}
              onInput={(event) => {
                const value = (event.currentTarget as HTMLInputElement).value;
                setTyped({ ...typed, [name]: value });
                // The problem goes as soon as the field holds a day (or empties).
                if (problems[name]) {
                  const day = value.trim() ? parseDayMonthYearDate(value) : { date: '' };
                  setProblems({ ...problems, [name]: 'problem' in day ? day.problem : undefined });
                }
              }}
            />
            {problems[name] ? (
              <span class="error" id={`list-${name}-error`} role="alert">
                {t(problems[name] as MessageKey)}
              </span>
            ) : null}
          </div>
        ))}
        {select(
          'area',
          t('field.area'),
          areas.map((id) => ({ value: id, label: areaName(id) })),
        )}
        {select('status', t('list.status'), [
          { value: 'open', label: t('status.open') },
          { value: 'closed', label: t('status.closed') },
        ])}
        {select(
          'channel',
          t('field.channel'),
          CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) })),
        )}
        {select(
          'category',
          t('field.category'),
          CATEGORIES.map((c) => ({ value: c.id, label: categoryName(c.id) })),
        )}
        {select('overdue', t('list.overdue'), [
          { value: 'true', label: t('list.overdueOnly') },
          { value: 'false', label: t('list.notOverdue') },
        ])}
        <button type="submit">{t('list.apply')}</button>
      </form>
      {error ? <Notice kind="error">{t(error)}</Notice> : null}
      {!items && !error && !problems.q ? <p>{t('app.loading')}</p> : null}
      {items && items.length === 0 ? <p>{t('list.empty')}</p> : null}
      {items && items.length > 0 ? (
        <table class="table" data-testid="complaints">
          <thead>
            <tr>
              <th scope="col">{t('list.ref')}</th>
              <th scope="col">{t('list.receivedAt')}</th>
              <th scope="col">{t('field.channel')}</th>
              <th scope="col">{t('list.place')}</th>
              <th scope="col">{t('list.owner')}</th>
              <th scope="col">{t('field.category')}</th>
              <th scope="col">{t('list.status')}</th>
              <th scope="col">{t('list.step')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.ref} class={item.overdue ? 'overdue' : undefined}>
                <td>
                  <Link href={`/complaints/${encodeURIComponent(item.ref)}`}>{item.ref}</Link>
                </td>
                <td>{formatDateTime(item.receivedAt)}</td>
                <td>{tOr(`channel.${item.channel}`, item.channel)}</td>
                <td>{[areaName(item.area), item.building, item.unit].filter(Boolean).join(' ')}</td>
                <td>{item.ownerName}</td>
                <td>{categoryName(item.category)}</td>
                <td>
                  {t(item.status === 'closed' ? 'status.closed' : 'status.open')}
                  {item.overdue ? <span class="badge badge--overdue">{t('list.overdue')}</span> : null}
                </td>
                <td>{stepName(item.currentStep)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {nextToken ? (
        <button type="button" onClick={() => void load(nextToken)}>
          {t('list.more')}
        </button>
      ) : null}
    </section>
  );
}

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
