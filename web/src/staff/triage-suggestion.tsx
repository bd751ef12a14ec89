import { TRIAGE } from '#config/triage.ts';
import { categoryName, departmentName, t } from '../i18n.ts';
import type { Complaint } from './types.ts';

/**
 * The supervisor's review: the category and department suggested from the complaint's words
 * (issue 19 §3, lambdas/domain/triage/), with how sure the model is. Nothing is filled in by
 * itself: *Use suggestion* puts both into the form, where the supervisor still signs (or picks
 * others). Whether it was taken is recorded when the review is signed.
 */
export function TriageSuggestion({
  suggestion,
  onUse,
}: {
  suggestion: NonNullable<Complaint['suggestion']>;
  onUse: (picked: { category: string; department: string }) => void;
}) {
  const percent = (value: number) => `${Math.round(value * 100)}%`;
  const weak = suggestion.confidence < TRIAGE.weakConfidence;
  return (
    <section
      class="notice triage-suggestion"
      aria-labelledby="triage-suggestion-title"
      data-testid="triage-suggestion"
    >
      <h3 id="triage-suggestion-title">{t('triage.title')}</h3>
      <dl>
        <dt>{t('field.category')}</dt>
        <dd data-testid="triage-category">
          {categoryName(suggestion.category)} (
          {t('triage.confidence', { percent: percent(suggestion.confidence) })})
        </dd>
        <dt>{t('complaint.department')}</dt>
        <dd data-testid="triage-department">
          {departmentName(suggestion.department)} (
          {t('triage.confidence', { percent: percent(suggestion.departmentConfidence) })})
        </dd>
      </dl>
      <p class="hint">
        {weak ? `${t('triage.weak')} ` : ''}
        {suggestion.modelTrainedAt ? t('triage.fromHistory') : t('triage.fromKeywords')}
      </p>
      <button
        type="button"
        onClick={() => onUse({ category: suggestion.category, department: suggestion.department })}
      >
        {t('triage.use')}
      </button>
    </section>
  );
}
