import { isLang, LANGUAGES, lang, setLang, t } from './i18n.ts';

/**
 * The language picker of the staff header, the sign-in page and the owner pages. `rememberFor`
 * is as setLang's: a signed-in user's choice is remembered for them; an owner's (`false`) is
 * not remembered at all, so it never changes what staff chose on this browser.
 */
export function LanguageSwitch({ rememberFor }: { rememberFor?: string | false }) {
  return (
    <label class="lang">
      <span class="visually-hidden">{t('app.language')}</span>
      <select
        value={lang()}
        aria-label={t('app.language')}
        onChange={(event) => {
          const value = (event.currentTarget as HTMLSelectElement).value;
          if (isLang(value)) setLang(value, rememberFor);
        }}
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`language.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
