import { t } from '../i18n.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';
import type { Complaint } from './types.ts';

type Ocr = NonNullable<Complaint['ocr']>;

/** The Transcribe fax form's fields each OCR suggestion fills (STEP_FORMS.transcribeFax). */
const FORM_FIELD_OF = {
  content: 'content',
  ownerName: 'owner.name',
  phone: 'owner.phone',
  building: 'building',
  unit: 'unit',
} as const;

const LABEL_OF = {
  content: 'decision.faxContent',
  ownerName: 'field.ownerName',
  phone: 'field.phone',
  building: 'field.building',
  unit: 'field.unit',
} as const;

/** The form's starting values from what OCR read: only fields it suggested. */
export function ocrPrefill(ocr: Complaint['ocr']): Record<string, string> {
  if (ocr?.status !== 'done' || !ocr.suggestion) return {};
  const values: Record<string, string> = {};
  for (const [field, name] of Object.entries(FORM_FIELD_OF) as [keyof typeof FORM_FIELD_OF, string][]) {
    const suggested = ocr.suggestion[field];
    if (suggested?.value) values[name] = suggested.value;
  }
  return values;
}

/**
 * The Transcribe fax task (issue 19 §2): what OCR read off the fax's pages, put into the form
 * as a start and said so, field by field with how sure the engine was. Nothing is submitted:
 * the clerk checks every field against the fax and submits. Still reading, or unreadable (with
 * the reason): said too, and the form is empty as before.
 */
export function OcrSuggestion({ ocr }: { ocr: Ocr }) {
  if (ocr.status === 'pending')
    return (
      <p class="notice notice--info" data-testid="ocr-suggestion">
        {t('ocr.pending')}
      </p>
    );
  if (ocr.status === 'failed')
    return (
      <p class="notice notice--info" data-testid="ocr-suggestion">
        {t('ocr.failed', { reason: t(`ocr.reason.${ocr.reason ?? 'engine'}` as MessageKey) })}
      </p>
    );
  const percent = (value: number) => `${Math.round(value * 100)}%`;
  const suggested = (Object.keys(FORM_FIELD_OF) as (keyof typeof FORM_FIELD_OF)[]).flatMap((field) => {
    const value = ocr.suggestion?.[field];
    return value?.value ? [{ field, confidence: value.confidence }] : [];
  });
  return (
    <section class="notice notice--info" aria-labelledby="ocr-suggestion-title" data-testid="ocr-suggestion">
      <h3 id="ocr-suggestion-title">{t('ocr.title')}</h3>
      {suggested.length ? (
        <ul>
          {suggested.map(({ field, confidence }) => (
            <li key={field} data-testid={`ocr-${field}`}>
              {t(LABEL_OF[field])}: {t('ocr.suggested', { percent: percent(confidence) })}
            </li>
          ))}
        </ul>
      ) : null}
      <p class="hint">{suggested.length ? t('ocr.check') : t('ocr.nothing')}</p>
    </section>
  );
}
