import { isLang, LANGUAGES, lang, setLang, t } from '../i18n.ts';

/**
 * The language picker of the header and the sign-in page; a signed-in user's choice is
 * remembered for them. Its own module: the app shell and the sign-in page both show it.
 */
export function LanguageSwitch({ user }: { user?: string }) {
  return (
    <label class="lang">
      <span class="visually-hidden">{t('app.language')}</span>
      <select
        value={lang()}
        aria-label={t('app.language')}
        onChange={(event) => {
          const value = (event.currentTarget as HTMLSelectElement).value;
          if (isLang(value)) setLang(value, user);
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
