import { useTranslation } from "react-i18next";

import { LANGUAGES, setLanguage } from "../i18n";
import { PAGES } from "../views/registry";

type Props = { page: string; onPage: (id: string) => void };

export function Header({ page, onPage }: Props) {
  const { t, i18n } = useTranslation();
  const sections = [{ id: "deployments", label: "pages.deployments" }, ...PAGES];
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
      <nav className="pages" aria-label={t("pages.label")}>
        {sections.map((p) => (
          <button
            key={p.id}
            type="button"
            data-page-button={p.id}
            aria-current={p.id === page ? "page" : undefined}
            onClick={() => onPage(p.id)}
          >
            {t(p.label)}
          </button>
        ))}
      </nav>
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
