import { useEffect, useState } from 'preact/hooks';
import { CATEGORIES, CHANNELS } from '#config/catalogue.ts';
import { visibleAreas } from '#domain/access.ts';
import { type ApiError, api } from '../api.ts';
import type { Session } from '../auth.ts';
import { Notice, useFocusHeading } from '../components.tsx';
import { areaName, categoryName, formatDateTime, stepName, t, tOr } from '../i18n.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';
import { Link, navigate } from '../router.tsx';
import { type ListItem, toCsv } from './complaints-csv.ts';

const FILTERS = ['area', 'status', 'channel', 'category', 'overdue'] as const;
const PAGE = 50;
/** An export reads page after page; past this many rows, narrow the filters. */
const EXPORT_LIMIT = 5000;

function apiQuery(query: URLSearchParams, limit: number, nextToken?: string): string {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
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

  const load = async (token?: string) => {
    try {
      const page = await api<{ items: ListItem[]; nextToken?: string }>('GET', apiQuery(query, PAGE, token));
      setItems((previous) => (token ? [...(previous ?? []), ...page.items] : page.items));
      setNextToken(page.nextToken);
      setError(undefined);
    } catch (e) {
      const status = (e as ApiError).status;
      setError(status === 403 ? 'error.forbidden' : status === 0 ? 'error.network' : 'app.error');
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
      download(
        `complaints-${new Date().toISOString().slice(0, 10)}.csv`,
        toCsv(rows, { t, tOr, areaName, categoryName, stepName, formatDateTime }),
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
      {!items && !error ? <p>{t('app.loading')}</p> : null}
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
