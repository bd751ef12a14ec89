import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from './i18n.ts';
import type { MessageKey } from './messages/zh-Hant.ts';
import { DATE_TIME_PATTERN, type FieldErrors } from './validation.ts';

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

/** The problems of a submitted form, each a link to its field; focused so it is read out. */
export function ErrorSummary({ errors, labels }: { errors: FieldErrors; labels: Record<string, string> }) {
  const ref = useRef<HTMLDivElement>(null);
  const fields = Object.keys(errors);
  useEffect(() => {
    if (fields.length) ref.current?.focus();
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
