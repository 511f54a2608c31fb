// One diagnostic as `triplane check` prints it: line:column, the message, the field path and
// the hint, each in its own element so a test can compare them with `check --json`.
import { useTranslation } from "react-i18next";

import type { DiagnosticView } from "../../ipc/result";

export function Problem({ d, onShow }: { d: DiagnosticView; onShow?: (() => void) | undefined }) {
  const { t } = useTranslation();
  return (
    <li className="problem" data-testid="compose-problem" data-line={d.line} data-column={d.column} data-path={d.path}>
      <span className="problem-pos">
        {d.line}:{d.column}
      </span>{" "}
      <span className="problem-message">{d.message}</span>
      {d.path && (
        <>
          {" "}
          <span className="muted">{t("compose.at")}</span> <code className="problem-path">{d.path}</code>
        </>
      )}
      {d.hint && (
        <>
          {" — "}
          <span className="problem-hint">{d.hint}</span>
        </>
      )}
      {onShow && (
        <button type="button" className="ghost problem-show" onClick={onShow}>
          {t("compose.showComponent")}
        </button>
      )}
    </li>
  );
}
