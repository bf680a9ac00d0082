// Every word the console shows comes from one dictionary per locale; `<html lang>` follows the choice.
import enUS from './locales/en-US.js';
import zhCN from './locales/zh-CN.js';

export const LOCALES = { 'zh-CN': zhCN, 'en-US': enUS };
const STORE_KEY = 'herald.console.lang';

let current = 'zh-CN';
let zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export const lang = () => current;
export const timeZone = () => zone;

/** The interface language: an explicit choice on this browser wins, else the member's preference, else the browser's. */
export function initialLang(memberLocale) {
  const stored = localStorage.getItem(STORE_KEY);
  if (stored && LOCALES[stored]) return stored;
  if (memberLocale && LOCALES[memberLocale]) return memberLocale;
  return navigator.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US';
}

export function setLang(code, remember = false) {
  current = LOCALES[code] ? code : 'en-US';
  document.documentElement.lang = current;
  if (remember) localStorage.setItem(STORE_KEY, current);
}

export function setTimeZone(z) {
  if (z) zone = z;
}

/** `t('inbox.range', { from: 1, to: 20, total: 95 })`; a missing key is a bug, reported loudly. */
export function t(key, vars) {
  const dict = LOCALES[current];
  // Plural forms: `key.one` next to `key` when a count `n` or `total` changes the wording (English "1 attempt").
  const count = vars?.n ?? vars?.total;
  const plural = count === undefined ? undefined : dict[`${key}.${new Intl.PluralRules(current).select(Number(count))}`];
  const text = plural ?? dict[key];
  if (text === undefined) {
    console.error(`i18n: missing ${current} text for ${key}`);
    return key;
  }
  return vars ? text.replace(/\{(\w+)\}/g, (_, name) => (vars[name] ?? '').toString()) : text;
}

/** Re-applies the current language to elements rendered with data-i18n attributes (the persistent header). */
export function translate(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n, vars(el));
  for (const el of root.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria, vars(el)));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}
const vars = (el) => (el.dataset.i18nVars ? JSON.parse(el.dataset.i18nVars) : undefined);

const formatters = new Map();
function formatter(kind) {
  const key = `${current}|${zone}|${kind}`;
  if (!formatters.has(key)) {
    const base = { timeZone: zone, hourCycle: 'h23' };
    const opts =
      kind === 'date'
        ? { ...base, year: 'numeric', month: 'short', day: 'numeric' }
        : { ...base, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };
    formatters.set(key, new Intl.DateTimeFormat(current, opts));
  }
  return formatters.get(key);
}

/** An instant in the viewer's time zone, 24-hour clock: `Nov 24, 2026, 10:00` / `2026年11月24日 10:00`. */
export const dateTime = (iso) => (iso ? formatter('dateTime').format(new Date(iso)) : '—');
export const date = (iso) => (iso ? formatter('date').format(new Date(iso)) : '—');
export const number = (n) => new Intl.NumberFormat(current).format(n);

/** `in 3 days` / `2 days ago`, from the viewer's now. */
export function relative(iso, now = Date.now()) {
  if (!iso) return '';
  const days = Math.round((new Date(iso).getTime() - now) / 86_400_000);
  const hours = Math.round((new Date(iso).getTime() - now) / 3_600_000);
  const rtf = new Intl.RelativeTimeFormat(current, { numeric: 'auto' });
  return Math.abs(hours) < 24 ? rtf.format(hours, 'hour') : rtf.format(days, 'day');
}

/** The viewer's zone as people read it: `Asia/Shanghai (GMT+8)`. */
export function zoneLabel() {
  const part = new Intl.DateTimeFormat(current, { timeZone: zone, timeZoneName: 'shortOffset' })
    .formatToParts(new Date())
    .find((p) => p.type === 'timeZoneName');
  return `${zone} (${part?.value ?? ''})`;
}
