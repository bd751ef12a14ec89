import { useEffect, useState } from 'preact/hooks';
import { type ApiError, api } from '../api.ts';
import { Notice } from '../components.tsx';
import { LANGUAGES, lang, t } from '../i18n.ts';
import { REPORT_TEXTS, type ReportTextKey } from '../messages/reports.ts';

const rt = (key: ReportTextKey, values: Record<string, string | number> = {}) =>
  (REPORT_TEXTS[lang()][key] ?? key).replace(/\{(\w+)\}/g, (match, name: string) =>
    values[name] === undefined ? match : String(values[name]),
  );

interface EstateOption {
  id: string;
  name: string;
}
interface Answer {
  statistics: {
    estateName: string;
    year: number;
    language: string;
    total: number;
    open: number;
    closed: number;
  };
  html: string;
  csv: string;
}

/**
 * The Reports page's estate statistics (issue 16 §5): customer service picks an estate of the
 * register and a year and gets the owners' organisation's statistics (in its language unless
 * another is chosen) to open and print to PDF, or download as CSV.
 */
export function EstateStatistics() {
  const [estates, setEstates] = useState<EstateOption[] | undefined>();
  const [estate, setEstate] = useState('');
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const [language, setLanguage] = useState('');
  const [errors, setErrors] = useState<Partial<Record<'estate' | 'year' | 'form', string>>>({});
  const [making, setMaking] = useState(false);
  const [made, setMade] = useState<{ answer: Answer; html: string; csv: string } | undefined>();

  useEffect(() => {
    void api<{ items: EstateOption[] }>('GET', `/api/directory/estates?lang=${lang()}`)
      .then((answer) => setEstates(answer.items))
      .catch(() => setEstates([]));
  }, []);
  // Blob links live as long as the answer they were made from.
  useEffect(
    () => () => {
      if (made) {
        URL.revokeObjectURL(made.html);
        URL.revokeObjectURL(made.csv);
      }
    },
    [made],
  );

  const make = async (event: Event) => {
    event.preventDefault();
    const problems: typeof errors = {};
    if (!estate) problems.estate = rt('estateStats.chooseEstate');
    if (!/^\d{4}$/.test(year.trim())) problems.year = rt('estateStats.yearProblem');
    setErrors(problems);
    if (Object.keys(problems).length) return;
    setMaking(true);
    try {
      const query = new URLSearchParams({ year: year.trim(), ...(language ? { lang: language } : {}) });
      const answer = await api<Answer>(
        'GET',
        `/api/directory/estates/${encodeURIComponent(estate)}/statistics?${query}`,
      );
      setMade({
        answer,
        html: URL.createObjectURL(new Blob([answer.html], { type: 'text/html;charset=utf-8' })),
        csv: URL.createObjectURL(new Blob([answer.csv], { type: 'text/csv;charset=utf-8' })),
      });
    } catch (e) {
      const error = e as ApiError;
      const field = error.fields?.[0];
      if (field?.field === 'year') setErrors({ year: field.message });
      else setErrors({ form: rt(error.status === 403 ? 'error.forbidden' : 'rect.error.field') });
      setMade(undefined);
    } finally {
      setMaking(false);
    }
  };

  const s = made?.answer.statistics;
  return (
    <section class="card" aria-labelledby="estate-stats-heading" data-testid="estate-statistics">
      <h2 id="estate-stats-heading">{rt('estateStats.title')}</h2>
      <p class="lead">{rt('estateStats.intro')}</p>
      {estates && estates.length === 0 ? <p>{rt('estateStats.noEstates')}</p> : null}
      <form
        class="filters"
        onSubmit={(event) => void make(event)}
        aria-label={rt('estateStats.make')}
        noValidate
      >
        <label class="filter">
          <span>{rt('estateStats.estate')}</span>
          <select
            name="estate"
            value={estate}
            aria-invalid={errors.estate ? 'true' : undefined}
            aria-describedby={errors.estate ? 'estate-stats-estate-error' : undefined}
            onChange={(e) => setEstate((e.currentTarget as HTMLSelectElement).value)}
          >
            <option value="">{rt('estateStats.chooseEstate')}</option>
            {(estates ?? []).map((option) => (
              <option key={option.id} value={option.id}>
                {option.name}
              </option>
            ))}
          </select>
          {errors.estate ? (
            <span id="estate-stats-estate-error" class="error" role="alert">
              {errors.estate}
            </span>
          ) : null}
        </label>
        <label class="filter">
          <span>{rt('estateStats.year')}</span>
          <input
            name="year"
            type="text"
            inputMode="numeric"
            autoComplete="off"
            value={year}
            aria-invalid={errors.year ? 'true' : undefined}
            aria-describedby={errors.year ? 'estate-stats-year-error' : undefined}
            onInput={(e) => setYear((e.currentTarget as HTMLInputElement).value)}
          />
          {errors.year ? (
            <span id="estate-stats-year-error" class="error" role="alert">
              {errors.year}
            </span>
          ) : null}
        </label>
        <label class="filter">
          <span>{rt('estateStats.language')}</span>
          <select
            name="language"
            value={language}
            onChange={(e) => setLanguage((e.currentTarget as HTMLSelectElement).value)}
          >
            <option value="">{rt('estateStats.organisationLanguage')}</option>
            {LANGUAGES.map((id) => (
              <option key={id} value={id} lang={id}>
                {t(`language.${id}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary" disabled={making}>
          {rt(making ? 'estateStats.making' : 'estateStats.make')}
        </button>
      </form>
      {errors.form ? <Notice kind="error">{errors.form}</Notice> : null}
      {made && s ? (
        <div data-testid="estate-statistics-made">
          <Notice kind="success">
            {rt('estateStats.made', {
              estate: s.estateName,
              year: s.year,
              total: s.total,
              closed: s.closed,
              open: s.open,
            })}
          </Notice>
          <p>
            <a class="button" href={made.html} target="_blank" rel="noopener">
              {rt('estateStats.open')}
            </a>{' '}
            <a
              class="button"
              href={made.csv}
              download={`${made.answer.statistics.estateName}-${s.year}.${s.language}.csv`}
            >
              {rt('estateStats.csv')}
            </a>
          </p>
        </div>
      ) : null}
    </section>
  );
}
