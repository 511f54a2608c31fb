// i18next set up once, with the English and French catalogs bundled (no remote loading:
// the CSP forbids it and the app works offline).
import i18n from "i18next";
import { initReactI18next } from "react-i18next";

// One file per view under `en/` and `fr/`, each with its own top-level keys, merged here.
// `ui/test/i18n.test.mjs` checks that no two files define the same top-level key.
type Catalog = Record<string, unknown>;
function merge(files: Record<string, unknown>): Catalog {
  const out: Catalog = {};
  for (const mod of Object.values(files)) Object.assign(out, (mod as { default: Catalog }).default);
  return out;
}
const en = merge(import.meta.glob("./en/*.json", { eager: true }));
const fr = merge(import.meta.glob("./fr/*.json", { eager: true }));

export const LANGUAGES = ["en", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = "triplane.language";

function initialLanguage(): Language {
  const stored = window.localStorage.getItem(STORAGE_KEY);
  if (stored === "en" || stored === "fr") return stored;
  return navigator.language.toLowerCase().startsWith("fr") ? "fr" : "en";
}

export function setLanguage(lang: Language): void {
  window.localStorage.setItem(STORAGE_KEY, lang);
  void i18n.changeLanguage(lang);
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, fr: { translation: fr } },
  lng: initialLanguage(),
  fallbackLng: false,
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false },
  returnNull: false,
});

i18n.on("languageChanged", (lng) => {
  document.documentElement.lang = lng;
});
document.documentElement.lang = i18n.language;

export default i18n;
