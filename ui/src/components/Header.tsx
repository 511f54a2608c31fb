import { useTranslation } from "react-i18next";

import { LANGUAGES, setLanguage } from "../i18n";

export function Header() {
  const { t, i18n } = useTranslation();
  return (
    <header className="header">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          <span />
          <span />
          <span />
        </span>
        <h1>{t("app.title")}</h1>
        <span className="tagline">{t("app.tagline")}</span>
      </div>
      <div className="lang" role="group" aria-label={t("app.language")}>
        {LANGUAGES.map((lng) => (
          <button
            key={lng}
            type="button"
            lang={lng}
            data-lang={lng}
            aria-pressed={i18n.language === lng}
            title={t(`app.languageName.${lng}`)}
            onClick={() => setLanguage(lng)}
          >
            {lng.toUpperCase()}
          </button>
        ))}
      </div>
    </header>
  );
}
