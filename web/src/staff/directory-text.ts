import { lang } from '../i18n.ts';
import { DIRECTORY_TEXTS, type DirectoryTextKey } from '../messages/directory.ts';

export type { DirectoryTextKey };

/** A register page's text (messages/directory.ts) in the current language, with `{name}` values filled in. */
export function dt(key: DirectoryTextKey, values: Record<string, string | number> = {}): string {
  return (DIRECTORY_TEXTS[lang()][key] ?? DIRECTORY_TEXTS['zh-Hant'][key]).replace(
    /\{(\w+)\}/g,
    (match, name: string) => (values[name] === undefined ? match : String(values[name])),
  );
}
