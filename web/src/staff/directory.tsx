import { useEffect, useState } from 'preact/hooks';
import { mayEditDirectory } from '#domain/access.ts';
import { DIRECTORY_LIMITS } from '#domain/fields.ts';
import { type ApiError, api } from '../api.ts';
import type { Session } from '../auth.ts';
import { Notice, useFocusHeading } from '../components.tsx';
import { areaName, formatDateTime, lang, roleName, t } from '../i18n.ts';
import { Link, navigate } from '../router.tsx';
import { type DirectoryTextKey, dt } from './directory-text.ts';

/**
 * The estate register's pages (issue 16 §1): the estates of the member's areas by area, with
 * their buildings and owners' organisations, a search over units (`GET /api/directory/units?q=`)
 * and an estate's page with its buildings and units, paged. The unit page is unit.tsx. Names
 * come from the API in the app's language; contacts are shown as the API gives them (every staff
 * role reads its areas' register: lambdas/domain/access.ts mayReadDirectory).
 */

export interface Resident {
  readonly id: string;
  readonly name: string;
  readonly role: 'owner' | 'tenant';
  readonly phones: readonly string[];
  readonly emails: readonly string[];
  readonly faxes?: readonly string[];
  readonly language: string;
}

/** A unit as `GET /api/directory/units` and `…/units/{id}` answer it (docs/openapi.json). */
export interface UnitView {
  readonly id: string;
  readonly estate: string;
  readonly estateId: string;
  readonly building: string;
  readonly buildingCode: string;
  readonly unit: string;
  readonly area: string;
  readonly residents: readonly Resident[];
  readonly version: number;
}

/** A line of the register's audit trail (lambdas/adapters/directory.ts DirectoryEvent). */
export interface HistoryLine {
  readonly target: string;
  readonly at: string;
  readonly actor: string;
  readonly role: string;
  readonly action: string;
  readonly details?: Record<string, unknown>;
}

export interface EstateView {
  readonly id: string;
  readonly area: string;
  readonly name: string;
  readonly address?: string;
  readonly buildings: readonly { code: string; name: string }[];
  readonly organisations: readonly {
    id: string;
    kindName: string;
    name: string;
    email?: string;
    phone?: string;
    language: string;
  }[];
  readonly version: number;
  readonly history?: readonly HistoryLine[];
}

const PAGE = 25;

/** What a failed read says on the page. */
function failureOf(error: ApiError): string {
  if (error.status === 403) return dt('dir.forbidden');
  if (error.status === 0) return t('error.network');
  return t('app.error');
}

export const unitHref = (id: string) => `/directory/units/${encodeURIComponent(id)}`;
export const estateHref = (id: string) => `/directory/estates/${encodeURIComponent(id)}`;
export const roleLabel = (role: string) =>
  role === 'owner' || role === 'tenant' ? dt(`dir.role.${role}`) : role;
export const languageLabel = (language: string) =>
  ['zh-Hant', 'zh-Hans', 'en'].includes(language) ? t(`language.${language}` as 'language.en') : language;

/** `/directory`: the search box, its results, and the estates by area. */
export function DirectoryPage({ session, query }: { session: Session; query: URLSearchParams }) {
  const heading = useFocusHeading('directory');
  const [estates, setEstates] = useState<EstateView[] | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const language = lang();
  useEffect(() => {
    setEstates(undefined);
    api<{ items: EstateView[] }>('GET', `/api/directory/estates?lang=${language}`)
      .then((answer) => setEstates(answer.items))
      .catch((e) => setFailure(failureOf(e as ApiError)));
  }, [language]);
  const q = query.get('q') ?? '';
  const byArea = new Map<string, EstateView[]>();
  for (const estate of estates ?? []) byArea.set(estate.area, [...(byArea.get(estate.area) ?? []), estate]);

  return (
    <section>
      <div class="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {dt('dir.title')}
        </h1>
      </div>
      <p class="lead">{dt('dir.intro')}</p>
      {mayEditDirectory(session, session.area) ? (
        <p>
          <Link href="/directory/import">{dt('dir.io.link')}</Link>
        </p>
      ) : null}
      <UnitSearch q={q} />
      {q ? <SearchResults q={q} /> : null}
      <h2>{dt('dir.estates')}</h2>
      {failure ? <Notice kind="error">{failure}</Notice> : null}
      {!estates && !failure ? <p>{t('app.loading')}</p> : null}
      {estates && estates.length === 0 ? <p>{dt('dir.noEstates')}</p> : null}
      {[...byArea].map(([area, list]) => (
        <section key={area} aria-labelledby={`area-${area}`} data-testid={`estates-${area}`}>
          <h3 id={`area-${area}`}>{areaName(area)}</h3>
          <ul class="estates">
            {list.map((estate) => (
              <li key={estate.id} class="card estate-card">
                <h4>
                  <Link href={estateHref(estate.id)}>{estate.name}</Link>
                </h4>
                {estate.address ? <p class="sub">{estate.address}</p> : null}
                <p>
                  <strong>
                    {dt('dir.buildings')}
                    {dt('dir.colon')}
                  </strong>
                  {estate.buildings.length
                    ? estate.buildings.map((b, i) => (
                        <span key={b.code}>
                          {i ? dt('dir.history.fieldsJoin') : ''}
                          <Link href={`${estateHref(estate.id)}?building=${encodeURIComponent(b.code)}`}>
                            {b.name}
                          </Link>
                        </span>
                      ))
                    : dt('dir.noBuildings')}
                </p>
                <Organisations estate={estate} />
              </li>
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}

function Organisations({ estate }: { estate: EstateView }) {
  if (!estate.organisations.length) return <p class="sub">{dt('dir.noOrganisations')}</p>;
  return (
    <ul class="organisations" aria-label={dt('dir.organisations')}>
      {estate.organisations.map((o) => (
        <li key={o.id}>
          <span class="badge">{o.kindName}</span> {o.name}
          <span class="sub">
            {' '}
            {[o.phone, o.email, dt('dir.organisationLanguage', { language: languageLabel(o.language) })]
              .filter(Boolean)
              .join(' · ')}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The search box: the query goes into the URL (`/directory?q=`), so a search can be shared and gone back to. */
function UnitSearch({ q }: { q: string }) {
  const [problem, setProblem] = useState<DirectoryTextKey | undefined>();
  const submit = (event: Event) => {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget as HTMLFormElement).get('q') ?? '').trim();
    if ([...text].length > DIRECTORY_LIMITS.query) {
      setProblem('dir.error.queryLong');
      return;
    }
    if (text && [...text.replace(/\s/g, '')].length < 2) {
      setProblem('dir.error.queryShort');
      return;
    }
    setProblem(undefined);
    navigate(text ? `/directory?q=${encodeURIComponent(text)}` : '/directory');
  };
  return (
    <form class="filters" onSubmit={submit} aria-label={dt('dir.search')} key={q}>
      <div class="filter filter--search">
        <label for="directory-q">{dt('dir.search')}</label>
        <input
          id="directory-q"
          name="q"
          type="search"
          defaultValue={q}
          maxLength={DIRECTORY_LIMITS.query}
          autoComplete="off"
          aria-describedby={problem ? 'directory-q-hint directory-q-error' : 'directory-q-hint'}
          aria-invalid={problem ? 'true' : undefined}
          onInput={() => problem && setProblem(undefined)}
        />
        <span class="hint" id="directory-q-hint">
          {dt('dir.searchHint')}
        </span>
        {problem ? (
          <span class="error" id="directory-q-error" role="alert">
            {dt(problem)}
          </span>
        ) : null}
      </div>
      <button type="submit" class="primary">
        {dt('dir.searchButton')}
      </button>
      {q ? (
        <button type="button" onClick={() => navigate('/directory')}>
          {dt('dir.clearSearch')}
        </button>
      ) : null}
    </form>
  );
}

/** Units of a search or of an estate (`GET /api/directory/units`), page after page. */
function usePagedUnits(params: string) {
  const [units, setUnits] = useState<UnitView[] | undefined>();
  const [nextToken, setNextToken] = useState<string | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const language = lang();
  const load = async (token?: string) => {
    setLoading(true);
    try {
      const page = await api<{ items: UnitView[]; nextToken?: string }>(
        'GET',
        `/api/directory/units?${params}&lang=${language}&limit=${PAGE}${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`,
      );
      setUnits((previous) => (token ? [...(previous ?? []), ...page.items] : page.items));
      setNextToken(page.nextToken);
      setFailure(undefined);
    } catch (e) {
      const error = e as ApiError;
      const q = error.fields.find((f) => f.field === 'q');
      if (error.status === 400 && q) {
        setFailure(dt(/at least/.test(q.message) ? 'dir.error.queryShort' : 'dir.error.queryLong'));
      } else setFailure(failureOf(error));
      setUnits(token ? units : undefined);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    setUnits(undefined);
    setNextToken(undefined);
    setFailure(undefined);
    void load();
  }, [params, language]);
  return { units, nextToken, failure, loading, more: () => void load(nextToken) };
}

function SearchResults({ q }: { q: string }) {
  const { units, nextToken, failure, loading, more } = usePagedUnits(`q=${encodeURIComponent(q)}`);
  return (
    <section aria-labelledby="directory-results" data-testid="directory-results">
      <h2 id="directory-results">{dt('dir.results')}</h2>
      {failure ? <Notice kind="error">{failure}</Notice> : null}
      {!units && !failure ? <p>{t('app.loading')}</p> : null}
      {/* Said to screen readers too: the focus stays in the search box while the results come. */}
      <p class="sub" role="status">
        {units && units.length === 0 ? dt('dir.noResults') : null}
        {units?.length ? dt(nextToken ? 'dir.foundMore' : 'dir.found', { n: units.length }) : null}
      </p>
      {units?.length ? <UnitTable units={units} withEstate /> : null}
      {nextToken ? (
        <button type="button" onClick={more} disabled={loading}>
          {dt('dir.more')}
        </button>
      ) : null}
    </section>
  );
}

/** Units with their residents and contacts, each a link to its page. */
function UnitTable({ units, withEstate }: { units: readonly UnitView[]; withEstate?: boolean }) {
  return (
    <table class="table" data-testid="units">
      <thead>
        <tr>
          <th scope="col">{dt('dir.unit')}</th>
          {withEstate ? <th scope="col">{dt('dir.estate')}</th> : null}
          <th scope="col">{dt('dir.building')}</th>
          {withEstate ? <th scope="col">{dt('dir.area')}</th> : null}
          <th scope="col">{dt('dir.residents')}</th>
        </tr>
      </thead>
      <tbody>
        {units.map((unit) => (
          <tr key={unit.id}>
            <td>
              <Link href={unitHref(unit.id)}>{unit.unit}</Link>
            </td>
            {withEstate ? <td>{unit.estate}</td> : null}
            <td>{unit.building}</td>
            {withEstate ? <td>{areaName(unit.area)}</td> : null}
            <td>
              {unit.residents.length ? (
                <ul class="residents-inline">
                  {unit.residents.map((r) => (
                    <li key={r.id}>
                      {r.name} <span class="badge">{roleLabel(r.role)}</span>
                      {r.phones.length || r.emails.length ? (
                        <span class="sub"> {[...r.phones, ...r.emails].join(' · ')}</span>
                      ) : null}
                    </li>
                  ))}
                </ul>
              ) : (
                <span class="sub">{dt('dir.noResidents')}</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** `/directory/estates/{id}`: an estate, its buildings and organisations, its units (by building), its history. */
export function EstatePage({ id, query }: { id: string; query: URLSearchParams }) {
  const heading = useFocusHeading(id);
  const [estate, setEstate] = useState<EstateView | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const language = lang();
  const building = query.get('building') ?? '';
  useEffect(() => {
    setEstate(undefined);
    setFailure(undefined);
    api<EstateView>('GET', `/api/directory/estates/${encodeURIComponent(id)}?lang=${language}`)
      .then(setEstate)
      .catch((e) => {
        const error = e as ApiError;
        setFailure(error.status === 404 ? dt('dir.estateNotFound') : failureOf(error));
      });
  }, [id, language]);
  const known = estate?.buildings.some((b) => b.code === building) ? building : '';
  if (failure)
    return (
      <section>
        <h1 ref={heading} tabIndex={-1}>
          {dt('dir.title')}
        </h1>
        <Notice kind="error">{failure}</Notice>
        <Link href="/directory">{dt('dir.backToDirectory')}</Link>
      </section>
    );
  if (!estate) return <p>{t('app.loading')}</p>;
  return (
    <section>
      <p>
        <Link href="/directory">{dt('dir.backToDirectory')}</Link>
      </p>
      <div class="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {estate.name}
        </h1>
      </div>
      <dl class="record">
        <div>
          <dt>{dt('dir.area')}</dt>
          <dd>{areaName(estate.area)}</dd>
        </div>
        {estate.address ? (
          <div>
            <dt>{dt('dir.address')}</dt>
            <dd>{estate.address}</dd>
          </div>
        ) : null}
        <div class="record__item--wide">
          <dt>{dt('dir.buildings')}</dt>
          <dd>
            {estate.buildings.length
              ? estate.buildings.map((b) => `${b.name} (${b.code})`).join(dt('dir.history.fieldsJoin'))
              : dt('dir.noBuildings')}
          </dd>
        </div>
        <div class="record__item--wide">
          <dt>{dt('dir.organisations')}</dt>
          <dd>
            <Organisations estate={estate} />
          </dd>
        </div>
      </dl>
      <section class="card" aria-labelledby="estate-units">
        <h2 id="estate-units">{dt('dir.units')}</h2>
        <form
          class="filters"
          aria-label={dt('dir.building')}
          onSubmit={(event) => {
            event.preventDefault();
            const code = String(new FormData(event.currentTarget as HTMLFormElement).get('building') ?? '');
            navigate(`${estateHref(estate.id)}${code ? `?building=${encodeURIComponent(code)}` : ''}`);
          }}
        >
          <label class="filter">
            <span>{dt('dir.building')}</span>
            <select name="building" value={known} key={known}>
              <option value="">{dt('dir.allBuildings')}</option>
              {estate.buildings.map((b) => (
                <option key={b.code} value={b.code}>
                  {b.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">{dt('dir.show')}</button>
        </form>
        <EstateUnits estateId={estate.id} building={known} />
      </section>
      <History lines={estate.history ?? []} />
    </section>
  );
}

function EstateUnits({ estateId, building }: { estateId: string; building: string }) {
  const params = `estate=${encodeURIComponent(estateId)}${building ? `&building=${encodeURIComponent(building)}` : ''}`;
  const { units, nextToken, failure, loading, more } = usePagedUnits(params);
  return (
    <div data-testid="estate-units">
      {failure ? <Notice kind="error">{failure}</Notice> : null}
      {!units && !failure ? <p>{t('app.loading')}</p> : null}
      {units && units.length === 0 ? <p>{dt('dir.noUnits')}</p> : null}
      {units?.length ? (
        <>
          <UnitTable units={units} />
          <p class="sub" aria-live="polite">
            {dt('dir.unitsShown', { n: units.length })}
          </p>
        </>
      ) : null}
      {nextToken ? (
        <button type="button" onClick={more} disabled={loading}>
          {dt('dir.more')}
        </button>
      ) : null}
    </div>
  );
}

const ACTIONS = [
  'estate-created',
  'estate-updated',
  'building-added',
  'building-updated',
  'unit-created',
  'unit-updated',
] as const;
const FIELDS = [
  'name',
  'role',
  'phones',
  'emails',
  'faxes',
  'language',
  'address',
  'style',
  'organisations',
] as const;
const actionName = (action: string) =>
  (ACTIONS as readonly string[]).includes(action)
    ? dt(`dir.action.${action as (typeof ACTIONS)[number]}`)
    : action;
const fieldName = (field: string) =>
  (FIELDS as readonly string[]).includes(field) ? dt(`dir.field.${field as (typeof FIELDS)[number]}`) : field;

/**
 * What an audit line changed, in words: residents added, removed and changed (by their number on
 * the unit as it is now, and the fields — the trail keeps no personal data, only ids), a label or
 * an estate's fields.
 */
function changeSummary(line: HistoryLine, residents: readonly Resident[]): string {
  const details = line.details ?? {};
  const parts: string[] = [];
  const changes = details.residents as
    | { added?: string[]; removed?: string[]; changed?: { id: string; fields: string[] }[] }
    | undefined;
  if (changes && line.action === 'unit-updated') {
    if (changes.added?.length) parts.push(dt('dir.history.added', { n: changes.added.length }));
    if (changes.removed?.length) parts.push(dt('dir.history.removed', { n: changes.removed.length }));
    for (const changed of changes.changed ?? []) {
      const index = residents.findIndex((r) => r.id === changed.id);
      parts.push(
        dt('dir.history.changed', {
          n: index >= 0 ? String(index + 1) : changed.id,
          fields: changed.fields.map(fieldName).join(dt('dir.history.fieldsJoin')),
        }),
      );
    }
  } else if (changes && line.action === 'unit-created' && changes.added?.length) {
    parts.push(dt('dir.history.added', { n: changes.added.length }));
  }
  if (details.label && line.action === 'unit-updated') parts.push(dt('dir.history.label'));
  if (line.action === 'estate-updated') {
    parts.push(
      ...Object.keys(details)
        .filter((key) => key !== 'residents')
        .map(fieldName),
    );
  }
  if ((line.action === 'building-added' || line.action === 'building-updated') && details.code) {
    parts.push(String(details.code));
  }
  return parts.join(dt('dir.history.fieldsJoin'));
}

/** The newest lines of the audit trail: when, who (and their role), what. */
export function History({
  lines,
  residents = [],
}: {
  lines: readonly HistoryLine[];
  residents?: readonly Resident[];
}) {
  return (
    <section class="card" aria-labelledby="directory-history" data-testid="directory-history">
      <h2 id="directory-history">{dt('dir.history')}</h2>
      {lines.length === 0 ? (
        <p>{dt('dir.noHistory')}</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">{dt('dir.history.when')}</th>
              <th scope="col">{dt('dir.history.who')}</th>
              <th scope="col">{dt('dir.history.what')}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line, i) => (
              <tr key={`${line.at}.${i}`}>
                <td>{formatDateTime(line.at)}</td>
                <td>{t('app.actor', { name: line.actor, role: roleName(line.role) })}</td>
                <td>
                  {actionName(line.action)}
                  {(() => {
                    const summary = changeSummary(line, residents);
                    return summary ? <span class="sub">{summary}</span> : null;
                  })()}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
