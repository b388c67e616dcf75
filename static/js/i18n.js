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

// A server's refusal in the page's language: a socket `error` message ({code, params, field, message})
// or a 422 detail entry ({code, params, loc, msg}) through "error.<code>" (static/i18n/errors.json).
// The field is named by its form label when the page has one; the English message is the fallback.
export function errorText(error) {
  const params = { message: error.message ?? error.msg ?? "", ...(error.params ?? {}) };
  for (const [name, value] of Object.entries(params)) {
    if (Array.isArray(value)) params[name] = value.join(t("error.choice_separator"));
  }
  if (params.status && `error.run_status.${params.status}` in strings) params.status = t(`error.run_status.${params.status}`);
  const key = `error.${error.code}`;
  const text = key in strings ? t(key, params) : params.message;
  const field = error.field ?? fieldOfLoc(error.loc);
  if (!field || field === "type" || field === "message") return text;
  return t("error.field_says", { field: fieldLabel(field), text });
}

function fieldOfLoc(loc) {
  if (!Array.isArray(loc)) return null;
  const parts = loc[0] === "body" || loc[0] === "query" ? loc.slice(1) : loc;
  return parts.map((p, i) => (typeof p === "number" ? `[${p}]` : (i ? "." : "") + p)).join("") || null;
}

// "config.depth" -> the text of the label around [data-field="depth"] ("Layers" / "层数").
function fieldLabel(field) {
  const name = field.replace(/^(config|params)\./, "");
  const control = /^[\w.]+$/.test(name) ? document.querySelector(`[data-field="${name}"]`) : null;
  const label = control?.closest("label");
  const text = label ? [...label.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE)
    .map((n) => n.textContent).join(" ").trim() : "";
  return text || name;
}
