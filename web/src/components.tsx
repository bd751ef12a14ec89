import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from './i18n.ts';
import type { MessageKey } from './messages/zh-Hant.ts';
import { DATE_PATTERN, DATE_TIME_PATTERN, errorsAfterEdit, type FieldErrors } from './validation.ts';

/**
 * A form's problems by field, as every staff form keeps them: shown on submit (`found`, from
 * the browser's own check; `fromApi`, from a 400), and cleared as each field is fixed
 * (`edited`, with the form's check of its new values: validation.ts errorsAfterEdit).
 */
export function useFieldErrors() {
  const [state, setState] = useState<{ errors: FieldErrors; fromApi: ReadonlySet<string> }>({
    errors: {},
    fromApi: new Set(),
  });
  return {
    errors: state.errors,
    found: (errors: FieldErrors) => setState({ errors, fromApi: new Set() }),
    fromApi: (errors: FieldErrors) => setState({ errors, fromApi: new Set(Object.keys(errors)) }),
    edited: (fields: string | readonly string[], recheck?: FieldErrors) =>
      setState((s) => ({
        errors: errorsAfterEdit(s.errors, typeof fields === 'string' ? [fields] : fields, recheck, s.fromApi),
        fromApi: s.fromApi,
      })),
    clear: () => setState({ errors: {}, fromApi: new Set() }),
  };
}

/** The DOM id of a field's control, from its API field name (`owner.phone` → `f-owner-phone`). */
export const fieldId = (field: string) => `f-${field.replace(/\./g, '-')}`;

interface FieldProps {
  readonly field: string;
  readonly label: string;
  readonly errors: FieldErrors;
  readonly hint?: string;
  readonly optional?: boolean;
  readonly children: (attributes: Record<string, unknown>) => ComponentChildren;
}

/** A label, the control, its hint, and its problem right under it (announced to screen readers). */
export function Field({ field, label, errors, hint, optional, children }: FieldProps) {
  const id = fieldId(field);
  const error = errors[field];
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${error ? ' field--invalid' : ''}`}>
      <label for={id}>
        {label}
        {optional ? <span class="optional"> {t('field.optional')}</span> : null}
      </label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {children({
        id,
        name: field,
        'aria-invalid': error ? 'true' : undefined,
        'aria-describedby': describedBy || undefined,
      })}
      {error ? (
        <p class="error" id={`${id}-error`} role="alert" data-field={field}>
          {t(error)}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A date and time typed as `dd/mm/yyyy HH:mm` (24-hour, Hong Kong time), as the app shows them
 * in every language. A text input, not `datetime-local`, whose shape follows the browser's
 * locale (`mm/dd/yyyy, hh:mm AM` in an American browser) whatever the app's language; the form
 * reads the text with `parseDayMonthYear` (validation.ts).
 */
export function DateTimeInput({
  attributes,
  value,
  onInput,
}: {
  attributes: Record<string, unknown>;
  value: string;
  onInput: (event: Event) => void;
}) {
  return (
    <input
      {...attributes}
      type="text"
      class="datetime"
      inputMode="numeric"
      autoComplete="off"
      spellcheck={false}
      pattern={DATE_TIME_PATTERN}
      placeholder={t('field.dateTimePlaceholder')}
      value={value}
      onInput={onInput}
    />
  );
}

/**
 * A date typed as `dd/mm/yyyy`, as the app shows dates in every language: a text input, not
 * `date`, whose shape follows the browser's locale (`mm/dd/yyyy` in an American browser). The
 * form reads it with `parseDayMonthYearDate` (validation.ts).
 */
export function DateInput({
  attributes,
  value,
  onInput,
}: {
  attributes: Record<string, unknown>;
  value: string;
  onInput: (event: Event) => void;
}) {
  return (
    <input
      {...attributes}
      type="text"
      class="date"
      inputMode="numeric"
      autoComplete="off"
      spellcheck={false}
      pattern={DATE_PATTERN}
      placeholder={t('field.datePlaceholder')}
      value={value}
      onInput={onInput}
    />
  );
}

interface ChoiceProps {
  readonly field: string;
  readonly legend: string;
  readonly options: readonly { value: string; label: string }[];
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly errors: FieldErrors;
}

/** Radio buttons in a fieldset: arrow keys move between them, as people expect. */
export function Choice({ field, legend, options, value, onChange, errors }: ChoiceProps) {
  const id = fieldId(field);
  const error = errors[field];
  return (
    <fieldset
      class={`field choice${error ? ' field--invalid' : ''}`}
      id={id}
      tabIndex={-1}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend>{legend}</legend>
      {options.map((option, i) => (
        <label class="choice__option" key={option.value}>
          <input
            type="radio"
            name={field}
            id={i === 0 ? `${id}-first` : undefined}
            value={option.value}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
          />{' '}
          {option.label}
        </label>
      ))}
      {error ? (
        <p class="error" id={`${id}-error`} role="alert" data-field={field}>
          {t(error)}
        </p>
      ) : null}
    </fieldset>
  );
}

/**
 * The problems of a submitted form, each a link to its field; focused so it is read out when a
 * submit shows a problem — not as problems go while their fields are fixed, which would take
 * the focus away from the field being typed in.
 */
export function ErrorSummary({ errors, labels }: { errors: FieldErrors; labels: Record<string, string> }) {
  const ref = useRef<HTMLDivElement>(null);
  const shownBefore = useRef<readonly string[]>([]);
  const fields = Object.keys(errors);
  useEffect(() => {
    const appeared = fields.some((field) => !shownBefore.current.includes(field));
    shownBefore.current = fields;
    if (appeared) ref.current?.focus();
  }, [fields.join()]);
  if (!fields.length) return null;
  return (
    <div class="error-summary" ref={ref} tabIndex={-1} role="alert">
      <p>{t('new.errorSummary', { n: fields.length })}</p>
      <ul>
        {fields.map((field) => (
          <li key={field}>
            <a
              href={`#${fieldId(field)}`}
              onClick={(event) => {
                event.preventDefault();
                const target = document.getElementById(fieldId(field));
                const focusable =
                  target?.tagName === 'FIELDSET' ? target.querySelector<HTMLInputElement>('input') : target;
                focusable?.focus();
              }}
            >
              {t('app.labelled', { label: labels[field] ?? field, value: t(errors[field] as MessageKey) })}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A message about the whole page (a failed load, a conflict). */
export function Notice({
  kind,
  children,
}: {
  kind: 'error' | 'info' | 'success';
  children: ComponentChildren;
}) {
  return (
    <div class={`notice notice--${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** Moves focus to the page's heading when a page opens, so keyboard and screen-reader users start there. */
export function useFocusHeading(dependency: unknown) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: false });
  }, [dependency]);
  return ref;
}
