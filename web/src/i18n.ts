import { AREAS } from '#config/areas.ts';
import { CATEGORIES, DEPARTMENTS } from '#config/catalogue.ts';
import { en } from './messages/en.ts';
import { zhHans } from './messages/zh-Hans.ts';
import { type MessageKey, type Messages, zhHant } from './messages/zh-Hant.ts';

/**
 * The three languages of the app: 繁體中文 (default), 简体中文, English. Every text the user
 * sees comes from a catalogue (messages/*.ts); names of areas, categories and departments are
 * read from config/ here, and those of channels, roles, steps and outcomes are spread into the
 * catalogues from config/ (messages/names.ts). The choice is remembered per signed-in user (and for the sign-in page, per browser).
 */
export const LANGUAGES = ['zh-Hant', 'zh-Hans', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];

const CATALOGUES: Record<Lang, Messages> = { 'zh-Hant': zhHant, 'zh-Hans': zhHans, en };
const LOCALES: Record<Lang, string> = { 'zh-Hant': 'zh-Hant-HK', 'zh-Hans': 'zh-Hans-CN', en: 'en-GB' };
/** Every area is on Hong Kong, Taiwan or mainland time, all UTC+8; staff read Hong Kong time. */
export const TIME_ZONE = 'Asia/Hong_Kong';

let current: Lang = 'zh-Hant';
const listeners = new Set<() => void>();

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function lang(): Lang {
  return current;
}

/** Switches the language at once (every mounted view re-renders) and remembers it. */
export function setLang(next: Lang, rememberFor?: string | false): void {
  current = next;
  document.documentElement.lang = next;
  try {
    // Owner pages follow the owner's language without touching what staff chose on this browser.
    if (rememberFor === false) throw new Error('not remembered');
    localStorage.setItem('lang', next);
    if (rememberFor) localStorage.setItem(`lang:${rememberFor}`, next);
  } catch {
    // Storage may be disabled; the choice then lasts for this page only.
  }
  for (const listener of listeners) listener();
}

/**
 * The language a signed-in user chose last (each their own, on a shared office PC), else
 * 繁體中文; before sign-in, the last choice made on this browser.
 */
export function rememberedLang(user?: string): Lang {
  try {
    const saved = localStorage.getItem(user ? `lang:${user}` : 'lang');
    if (isLang(saved)) return saved;
  } catch {
    // Fall through to the default.
  }
  return 'zh-Hant';
}

export function onLangChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The text for a key in the current language, with `{name}` values filled in. */
export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  const text = CATALOGUES[current][key] ?? zhHant[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name: string) =>
    values[name] === undefined ? match : String(values[name]),
  );
}

/** A catalogue entry for an id that may be unknown to this version of the app (shown as is). */
export function tOr(key: string, fallback: string): string {
  return key in zhHant ? t(key as MessageKey) : fallback;
}

type Named = { readonly id: string; readonly en: string; readonly zhHant: string; readonly zhHans: string };

function nameIn(list: readonly Named[], id: string | undefined): string {
  if (!id) return t('app.none');
  const item = list.find((entry) => entry.id === id);
  if (!item) return id;
  return current === 'en' ? item.en : current === 'zh-Hans' ? item.zhHans : item.zhHant;
}

export const areaName = (id: string | undefined) =>
  nameIn(
    AREAS.map((a) => ({ id: a.id, ...a.name })),
    id,
  );
export const categoryName = (id: string | undefined) => nameIn(CATEGORIES, id);
export const departmentName = (id: string | undefined) => nameIn(DEPARTMENTS, id);
export const roleName = (role: string) => tOr(`role.${role}`, role);
export const stepName = (step: string) => tOr(`step.${step}`, step);
/** Who did something: the workflow and the owner by their role, staff by username. */
/**
 * Who did something, as staff read it: the workflow and the owner by their role's name, a staff
 * member by their display name then (the login id for lines written before names were kept).
 */
export const actorName = (actor: string, name?: string) =>
  actor === 'system' || actor === 'owner' ? roleName(actor) : (name ?? actor);

/** Date and time in Hong Kong time, in the current language. */
export function formatDateTime(at: string | undefined): string {
  if (!at) return t('app.none');
  return new Intl.DateTimeFormat(LOCALES[current], {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(at));
}

export function formatDate(at: string | undefined): string {
  if (!at) return t('app.none');
  return new Intl.DateTimeFormat(LOCALES[current], {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(at));
}

/** One working day is 09:00–18:00. */
const WORKING_DAY_MINUTES = 9 * 60;

/** `1 個工作天 3 小時` / `3 h 20 min`: business minutes as people read them. */
export function formatBusinessMinutes(total: number): string {
  const minutes = Math.abs(Math.round(total));
  const days = Math.floor(minutes / WORKING_DAY_MINUTES);
  const hours = Math.floor((minutes % WORKING_DAY_MINUTES) / 60);
  const rest = minutes % 60;
  const parts = [
    days ? t('time.days', { n: days }) : '',
    hours ? t('time.hours', { n: hours }) : '',
    !days && (rest || !hours) ? t('time.minutes', { n: rest }) : '',
  ].filter(Boolean);
  return parts.join(current === 'en' ? ' ' : '');
}

export function timeLeft(businessMinutesLeft: number): string {
  const time = formatBusinessMinutes(businessMinutesLeft);
  return businessMinutesLeft < 0 ? t('time.overdueBy', { time }) : t('time.left', { time });
}
