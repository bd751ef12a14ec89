import { useEffect, useState } from 'preact/hooks';
import { mayEditDirectory } from '#domain/access.ts';
import {
  IMPORT_COLUMNS,
  IMPORT_CONTENT_TYPES,
  IMPORT_EXAMPLES,
  IMPORT_LIMITS,
  type ImportColumn,
  type ImportFormat,
} from '#domain/directory/import-format.ts';
import { type RowProblem, rowProblemText } from '#domain/directory/import-problems.ts';
import { type ApiError, api, apiFile } from '../api.ts';
import type { Session } from '../auth.ts';
import { Notice, useFocusHeading } from '../components.tsx';
import { lang, t } from '../i18n.ts';
import { Link } from '../router.tsx';
import { type EstateView, unitHref } from './directory.tsx';
import { type DirectoryTextKey, dt } from './directory-text.ts';

/**
 * `/directory/import` (issue 16 §2): for those who keep the register (the edit-unit rule,
 * lambdas/domain/access.ts mayEditDirectory, as the API decides), a CSV or .xlsx file uploaded
 * straight to storage (a presigned PUT) and imported by its key; every row is checked before
 * anything is written, so the answer is either the rows to fix or the counts. Each estate's
 * register exports in the import's columns, fetched with the sign-in's token and saved from a
 * blob link; an estate too large for one answer (413) is exported building by building.
 */

const EXAMPLES = IMPORT_EXAMPLES;
const REQUIRED: readonly ImportColumn[] = ['estate', 'building', 'floor'];
const MB = IMPORT_LIMITS.bytes / 1024 / 1024;

interface RowError {
  readonly row: number;
  readonly column: string;
  /** English; `problem` is shown instead, in the reader's language. */
  readonly message: string;
  readonly problem?: RowProblem;
}
type Outcome =
  | { kind: 'problems'; name: string; errors: RowError[]; total: number }
  | {
      kind: 'done';
      name: string;
      rows: number;
      created: number;
      updated: number;
      unchanged: number;
      conflicts: string[];
    }
  | { kind: 'failed'; text: string };

const formatOf = (file: File): ImportFormat | undefined => {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.xlsx')) return 'xlsx';
  return undefined;
};

export function DirectoryImportPage({ session }: { session: Session }) {
  const heading = useFocusHeading('directory-import');
  if (!mayEditDirectory(session, session.area)) {
    return (
      <section>
        <p>
          <Link href="/directory">{dt('dir.backToDirectory')}</Link>
        </p>
        <h1 ref={heading} tabIndex={-1}>
          {dt('dir.io.title')}
        </h1>
        <p data-testid="import-not-allowed">{dt('dir.io.notAllowed')}</p>
      </section>
    );
  }
  return (
    <section>
      <p>
        <Link href="/directory">{dt('dir.backToDirectory')}</Link>
      </p>
      <div class="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {dt('dir.io.title')}
        </h1>
      </div>
      <p class="lead">{dt('dir.io.intro')}</p>
      <ImportForm />
      <ExportList session={session} />
    </section>
  );
}

function Columns() {
  return (
    <table class="table" data-testid="import-columns">
      <caption>{dt('dir.io.columns')}</caption>
      <thead>
        <tr>
          <th scope="col">{dt('dir.io.column')}</th>
          <th scope="col">{dt('dir.io.alsoNamed')}</th>
          <th scope="col">{dt('dir.io.what')}</th>
          <th scope="col">{dt('dir.io.example')}</th>
        </tr>
      </thead>
      <tbody>
        {IMPORT_COLUMNS.map((c) => (
          <tr key={c.key}>
            <th scope="row">
              <code>{c.header}</code>
              {REQUIRED.includes(c.key) ? <span class="badge">{dt('dir.io.required')}</span> : null}
            </th>
            <td>{c.aliases.join(dt('dir.history.fieldsJoin'))}</td>
            <td>{dt(`dir.io.col.${c.key}` as DirectoryTextKey)}</td>
            <td>
              <code>{EXAMPLES[c.key]}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** How the import job stands (`GET /api/directory/imports/{id}`). */
interface ImportJob {
  id: string;
  status: 'queued' | 'running' | 'done' | 'refused' | 'failed';
  rows?: number;
  created?: number;
  updated?: number;
  unchanged?: number;
  conflicts?: string[];
  errors?: RowError[];
  total?: number;
  forbidden?: string;
  message?: string;
}

/** How often the page asks how the import stands. */
const POLL_MS = 1000;

function ImportForm() {
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [outcome, setOutcome] = useState<Outcome | undefined>();

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const file = (form.elements.namedItem('file') as HTMLInputElement).files?.[0];
    const format = file ? formatOf(file) : undefined;
    let found: string | undefined;
    if (!file) found = dt('dir.io.error.noFile');
    else if (!format) found = dt('dir.io.error.type');
    else if (file.size === 0) found = dt('dir.io.error.empty');
    else if (file.size > IMPORT_LIMITS.bytes) found = dt('dir.io.error.large', { mb: MB });
    setProblem(found);
    if (found || !file || !format) {
      (form.elements.namedItem('file') as HTMLInputElement).focus();
      return;
    }
    setOutcome(undefined);
    setBusy(dt('dir.io.uploading', { name: file.name }));
    try {
      let issued: { key: string; upload: { url: string; headers: Record<string, string> } };
      try {
        issued = await api('POST', '/api/directory/imports/uploads', {
          name: file.name,
          contentType: IMPORT_CONTENT_TYPES[format],
          size: file.size,
        });
        const put = await fetch(issued.upload.url, {
          method: 'PUT',
          headers: issued.upload.headers,
          body: file,
        });
        if (!put.ok) throw new Error(String(put.status));
      } catch (e) {
        const error = e as ApiError;
        setOutcome({
          kind: 'failed',
          text:
            error.status === 403
              ? dt('dir.io.notAllowed')
              : error.status === 0 || error.status === undefined
                ? dt('dir.io.error.upload')
                : `${dt('dir.io.error.upload')} ${error.message}`,
        });
        return;
      }
      setBusy(dt('dir.io.importing', { name: file.name }));
      try {
        // The import runs as a job (an office's file takes longer than a request may):
        // started here, then followed until it has finished.
        let job = await api<ImportJob>('POST', '/api/directory/imports', {
          key: issued.key,
          name: file.name,
        });
        while (job.status === 'queued' || job.status === 'running') {
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          job = await api<ImportJob>('GET', `/api/directory/imports/${encodeURIComponent(job.id)}`);
        }
        if (job.status === 'done') {
          setOutcome({
            kind: 'done',
            name: file.name,
            rows: job.rows ?? 0,
            created: job.created ?? 0,
            updated: job.updated ?? 0,
            unchanged: job.unchanged ?? 0,
            conflicts: job.conflicts ?? [],
          });
        } else if (job.status === 'refused' && job.forbidden) {
          setOutcome({ kind: 'failed', text: `${dt('dir.io.error.forbidden')}${job.forbidden}` });
        } else if (job.status === 'refused') {
          const errors = job.errors ?? [];
          setOutcome({ kind: 'problems', name: file.name, errors, total: job.total ?? errors.length });
        } else {
          setOutcome({ kind: 'failed', text: dt('dir.io.error.stopped') });
        }
      } catch (e) {
        const error = e as ApiError;
        if (error.status === 403) {
          setOutcome({ kind: 'failed', text: `${dt('dir.io.error.forbidden')}${error.message}` });
        } else if (error.status === 400) {
          setOutcome({ kind: 'failed', text: dt('dir.io.error.key') });
        } else {
          setOutcome({ kind: 'failed', text: error.status === 0 ? t('error.network') : t('app.error') });
        }
      }
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section class="card" aria-labelledby="import-heading" data-testid="import">
      <h2 id="import-heading">{dt('dir.io.import')}</h2>
      <p>{dt('dir.io.rules')}</p>
      <Columns />
      <form class="form" onSubmit={(e) => void submit(e)} aria-busy={busy ? 'true' : undefined} noValidate>
        <div class={`field${problem ? ' field--invalid' : ''}`}>
          <label for="import-file">{dt('dir.io.file')}</label>
          <p class="hint" id="import-file-hint">
            {dt('dir.io.fileHint', { mb: MB, rows: IMPORT_LIMITS.rows.toLocaleString('en-US') })}
          </p>
          <input
            id="import-file"
            name="file"
            type="file"
            accept={`.csv,.xlsx,${IMPORT_CONTENT_TYPES.csv},${IMPORT_CONTENT_TYPES.xlsx}`}
            aria-describedby={problem ? 'import-file-hint import-file-error' : 'import-file-hint'}
            aria-invalid={problem ? 'true' : undefined}
            disabled={busy !== undefined}
            onChange={() => setProblem(undefined)}
          />
          {problem ? (
            <p class="error" id="import-file-error" role="alert">
              {problem}
            </p>
          ) : null}
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy !== undefined}>
            {dt('dir.io.submit')}
          </button>
        </div>
        <p role="status" data-testid="import-busy">
          {busy ?? ''}
        </p>
      </form>
      {outcome ? <ImportOutcome outcome={outcome} /> : null}
    </section>
  );
}

function ImportOutcome({ outcome }: { outcome: Outcome }) {
  if (outcome.kind === 'failed') return <Notice kind="error">{outcome.text}</Notice>;
  if (outcome.kind === 'problems') {
    return (
      <div data-testid="import-problems">
        <Notice kind="error">{dt('dir.io.problems', { n: outcome.total })}</Notice>
        <table class="table">
          <caption>{dt('dir.io.problemsOf', { name: outcome.name })}</caption>
          <thead>
            <tr>
              <th scope="col">{dt('dir.io.row')}</th>
              <th scope="col">{dt('dir.io.column')}</th>
              <th scope="col">{dt('dir.io.fix')}</th>
            </tr>
          </thead>
          <tbody>
            {outcome.errors.map((e, i) => (
              <tr key={`${e.row}.${i}`}>
                <td>{e.row}</td>
                <td>{e.column}</td>
                <td>{e.problem ? rowProblemText(lang(), e.problem) : e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {outcome.total > outcome.errors.length ? (
          <p>{dt('dir.io.moreProblems', { n: outcome.total - outcome.errors.length })}</p>
        ) : null}
      </div>
    );
  }
  return (
    <div data-testid="import-done">
      <Notice kind="success">{dt('dir.io.done', { name: outcome.name, rows: outcome.rows })}</Notice>
      <dl class="record">
        {(['created', 'updated', 'unchanged'] as const).map((k) => (
          <div key={k} data-testid={`import-${k}`}>
            <dt>{dt(`dir.io.${k}`)}</dt>
            <dd>{outcome[k]}</dd>
          </div>
        ))}
      </dl>
      {outcome.conflicts.length ? (
        <div data-testid="import-conflicts">
          <p>{dt('dir.io.conflicts', { n: outcome.conflicts.length })}</p>
          <ul>
            {outcome.conflicts.map((id) => (
              <li key={id}>
                <Link href={unitHref(id)}>{id}</Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

function ExportList({ session }: { session: Session }) {
  const [estates, setEstates] = useState<EstateView[] | undefined>();
  const [failure, setFailure] = useState(false);
  const language = lang();
  useEffect(() => {
    api<{ items: EstateView[] }>('GET', `/api/directory/estates?lang=${language}`)
      .then((answer) => setEstates(answer.items.filter((e) => mayEditDirectory(session, e.area))))
      .catch(() => setFailure(true));
  }, [language]);
  return (
    <section class="card" aria-labelledby="export-heading" data-testid="export">
      <h2 id="export-heading">{dt('dir.io.export')}</h2>
      <p>{dt('dir.io.exportIntro')}</p>
      {failure ? <Notice kind="error">{t('app.error')}</Notice> : null}
      {!estates && !failure ? <p>{t('app.loading')}</p> : null}
      {estates && estates.length === 0 ? <p>{dt('dir.io.noEstates')}</p> : null}
      <ul class="estates">
        {(estates ?? []).map((estate) => (
          <EstateExport key={estate.id} estate={estate} />
        ))}
      </ul>
    </section>
  );
}

function EstateExport({ estate }: { estate: EstateView }) {
  const [busy, setBusy] = useState(false);
  const [tooLarge, setTooLarge] = useState(false);
  const [building, setBuilding] = useState('');
  const [saved, setSaved] = useState<{ url: string; name: string } | undefined>();
  const [failed, setFailed] = useState(false);
  useEffect(() => () => saved && URL.revokeObjectURL(saved.url), [saved]);
  const run = async (format: ImportFormat) => {
    setBusy(true);
    setFailed(false);
    try {
      const path = `/api/directory/export?estate=${encodeURIComponent(estate.id)}&format=${format}${building ? `&building=${encodeURIComponent(building)}` : ''}`;
      const { blob, name } = await apiFile(path, `${estate.id}${building ? `-${building}` : ''}.${format}`);
      const url = URL.createObjectURL(blob);
      setSaved({ url, name });
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
    } catch (e) {
      if ((e as ApiError).status === 413) setTooLarge(true);
      else setFailed(true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="card estate-card" data-testid={`export-${estate.id}`}>
      <h3>{estate.name}</h3>
      {tooLarge ? (
        <>
          <Notice kind="info">{dt('dir.io.tooLarge', { estate: estate.name })}</Notice>
          <label class="filter">
            <span>{dt('dir.building')}</span>
            <select
              value={building}
              onChange={(e) => setBuilding((e.currentTarget as HTMLSelectElement).value)}
            >
              <option value="">{dt('dir.allBuildings')}</option>
              {estate.buildings.map((b) => (
                <option key={b.code} value={b.code}>
                  {b.name}
                </option>
              ))}
            </select>
          </label>
        </>
      ) : null}
      <div class="actions">
        {(['csv', 'xlsx'] as const).map((format) => (
          <button
            key={format}
            type="button"
            disabled={busy}
            aria-label={dt('dir.io.exportOf', {
              estate: estate.name,
              format: format === 'csv' ? 'CSV' : 'Excel',
            })}
            onClick={() => void run(format)}
          >
            {dt(format === 'csv' ? 'dir.io.exportCsv' : 'dir.io.exportXlsx')}
          </button>
        ))}
      </div>
      <p role="status">{busy ? dt('dir.io.exporting') : ''}</p>
      {saved ? (
        <p>
          <a href={saved.url} download={saved.name}>
            {dt('dir.io.saveAgain', { name: saved.name })}
          </a>
        </p>
      ) : null}
      {failed ? <Notice kind="error">{dt('dir.io.exportFailed')}</Notice> : null}
    </li>
  );
}
