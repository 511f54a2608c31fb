// The start screen, shown while no deployment is open: the demo ("compare the options": four
// bundled examples side by side in one click), opening a file, starting a new deployment, and
// unsaved work kept by an
// earlier session that ended without saving (a crash, a kill), to take back or discard.
import { useTranslation } from "react-i18next";

import type { ExampleSummary } from "../ipc/deployment";
import type { AutosaveView } from "../ipc/files";

/**
 * Frontier-only, the self-hosted sandbox with an MCP tunnel, hybrid and sovereign: the four
 * answers a public-sector client weighs, all bundled, so the demo runs offline.
 */
export const DEMO_EXAMPLES = ["frontier-only", "mcp-tunnel", "hybrid", "sovereign"] as const;

type Props = {
  examples: ExampleSummary[] | null;
  autosaves: AutosaveView[] | null;
  onCompare: () => void;
  onOpenFile: () => void;
  onNew: () => void;
  onResume: (a: AutosaveView) => void;
  onDiscard: (a: AutosaveView) => void;
};

export function Start({ examples, autosaves, onCompare, onOpenFile, onNew, onResume, onDiscard }: Props) {
  const { t, i18n } = useTranslation();
  const ready = examples !== null && DEMO_EXAMPLES.every((id) => examples.some((e) => e.id === id));
  const when = (ms: number) =>
    new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeStyle: "short" }).format(new Date(ms));

  return (
    <section className="start" aria-labelledby="start-title" data-testid="start">
      {autosaves && autosaves.length > 0 && (
        <div className="start-recover" role="alert" data-testid="autosave-offer">
          <h2>{t("start.recoverTitle")}</h2>
          <p>{t("start.recoverBody")}</p>
          <ul>
            {autosaves.map((a) => (
              <li key={a.source} data-autosave={a.source}>
                <span className="start-recover-name">{a.name}</span>{" "}
                <span className="muted">{t("start.recoverWhen", { when: when(a.saved ?? 0), count: a.lines })}</span>
                <span className="row">
                  <button type="button" className="primary" data-testid="autosave-resume" onClick={() => onResume(a)}>
                    {t("start.resume")}
                  </button>
                  <button type="button" className="ghost" data-testid="autosave-discard" onClick={() => onDiscard(a)}>
                    {t("start.discard")}
                  </button>
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}

      <h2 id="start-title">{t("start.title")}</h2>
      <p className="start-lead">{t("start.lead")}</p>
      <div className="start-cards">
        <div className="start-card">
          <h3>{t("start.compareTitle")}</h3>
          <p>{t("start.compareBody")}</p>
          <ol className="start-options">
            {DEMO_EXAMPLES.map((id) => (
              <li key={id}>{t(`start.option.${id}`)}</li>
            ))}
          </ol>
          <button type="button" className="primary" data-testid="compare-options" disabled={!ready} onClick={onCompare}>
            {t("start.compare")}
          </button>
        </div>
        <div className="start-card">
          <h3>{t("start.openTitle")}</h3>
          <p>{t("start.openBody")}</p>
          <button type="button" className="secondary" data-testid="start-open-file" onClick={onOpenFile}>
            {t("start.open")}
          </button>
        </div>
        <div className="start-card">
          <h3>{t("start.newTitle")}</h3>
          <p>{t("start.newBody")}</p>
          <button type="button" className="secondary" data-testid="start-new-deployment" onClick={onNew}>
            {t("start.new")}
          </button>
        </div>
      </div>
    </section>
  );
}
