import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

import type { OpenFailure } from "../App";

/** The positioned problems of a file that could not be opened, above the unchanged view. */
export function OpenErrors({ failure, onDismiss }: { failure: OpenFailure; onDismiss: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLElement>(null);
  const { error } = failure;
  const file = failure.file || error.diagnostics[0]?.file || "";

  useEffect(() => ref.current?.focus(), [failure]);

  return (
    <section className="open-errors" role="alert" tabIndex={-1} ref={ref} data-error-code={error.code}>
      <div className="open-errors-head">
        <h2>{t("open.errorTitle", { file })}</h2>
        <button type="button" className="ghost" onClick={onDismiss}>
          {t("open.dismiss")}
        </button>
      </div>
      <p className="open-errors-summary">
        {t(`error.${error.code}`)}{" "}
        {error.diagnostics.length > 0 && t("open.problems", { count: error.diagnostics.length })}
        {error.diagnostics.length === 0 && <code>{error.message}</code>}
      </p>
      {error.diagnostics.length > 0 && (
        <ol className="diagnostics">
          {error.diagnostics.map((d, i) => (
            <li key={i} className="diagnostic" data-line={d.line} data-column={d.column}>
              <code className="position">
                {d.file}:{d.line}:{d.column}
              </code>
              <span className="message">{d.message}</span>
              {d.path && (
                <span className="path">
                  {t("open.at")} <code>{d.path}</code>
                </span>
              )}
              {d.hint && (
                <span className="hint">
                  {t("open.hint")}: {d.hint}
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
      <p className="nothing-changed">{t("open.errorNothingChanged")}</p>
    </section>
  );
}
