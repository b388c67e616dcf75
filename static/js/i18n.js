// The page's strings in its language, fetched once; t() fills {placeholders}.
const lang = document.documentElement.lang || "en";
const version = document.documentElement.dataset.i18nVersion || "";
let strings = {};

export async function loadStrings() {
  const response = await fetch(`/i18n/${lang}.json?v=${version}`);
  strings = await response.json();
  return strings;
}

export function t(key, vars = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

export { lang };
