// Strings of the page in zh-CN and en, from the embedded catalog
// i18n.json. The choice is kept in localStorage; zh-CN is the default.

const storageKey = 'plantgw.lang';
const languages = ['zh-CN', 'en'];
let catalog = { 'zh-CN': {}, en: {} };
let lang = 'zh-CN';

export async function loadCatalog() {
  const reply = await fetch('/static/i18n.json');
  if (!reply.ok) {
    throw new Error(`string catalog: HTTP ${reply.status}`);
  }
  catalog = await reply.json();
  lang = storedLang();
}

function storedLang() {
  try {
    const saved = localStorage.getItem(storageKey);
    return languages.includes(saved) ? saved : 'zh-CN';
  } catch {
    // Storage is off in some private browser modes.
    return 'zh-CN';
  }
}

export function currentLang() {
  return lang;
}

export function setLang(next) {
  lang = languages.includes(next) ? next : 'zh-CN';
  try {
    localStorage.setItem(storageKey, lang);
  } catch {
    // The choice then lasts until the page is reloaded.
  }
  applyTexts();
}

// t returns the string key in the current language, with each {name}
// replaced by params[name]. A key missing from the catalog shows itself,
// so a gap is visible instead of blank.
export function t(key, params = {}) {
  const text = catalog[lang]?.[key] ?? catalog.en?.[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

// applyTexts fills every element marked data-i18n with its string.
export function applyTexts() {
  document.documentElement.lang = lang;
  document.title = t('title');
  for (const el of document.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
}

export function formatTime(iso) {
  if (!iso) {
    return '';
  }
  const locale = lang === 'en' ? 'en-GB' : 'zh-CN';
  return new Date(iso).toLocaleString(locale, { hour12: false });
}

export function formatNumber(v) {
  return String(Math.round(v * 100) / 100);
}
