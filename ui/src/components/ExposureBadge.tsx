// An exposure badge per law: colour and a shape and a word, never colour alone. Activating
// it (click, Enter, Space) shows the reasons with their sources.
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";

import type { ExposureStatusView, ExposureView } from "../ipc/deployment";

const MARK: Record<ExposureStatusView, string> = { exposed: "▲", unknown: "?", "not-exposed": "✓" };

export function StatusMark({ status }: { status: ExposureStatusView }) {
  return (
    <span className="mark" aria-hidden="true">
      {MARK[status]}
    </span>
  );
}

export function ExposureBadge({ exposure, componentId }: { exposure: ExposureView; componentId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const status = t(`status.${exposure.status}`);

  return (
    <li className="exposure">
      <button
        type="button"
        className={`badge status-${exposure.status}`}
        data-component={componentId}
        data-law={exposure.law}
        data-status={exposure.status}
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={t("exposure.showReasons", { law: exposure.lawName, status })}
        title={exposure.reasons.map((r) => r.text).join("\n")}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === "Escape") setOpen(false);
        }}
      >
        <span className="badge-law">{exposure.lawName}</span>
        <span className="badge-status">
          <StatusMark status={exposure.status} />
          <span className="status-word">{status}</span>
        </span>
      </button>
      {open && (
        <div className="reasons" id={panelId} role="region" aria-label={t("exposure.reasonsTitle", { law: exposure.lawName, status })}>
          <p className="reasons-title">{t("exposure.reasonsTitle", { law: exposure.lawName, status })}</p>
          {exposure.reasons.length === 0 ? (
            <p className="muted">{t("exposure.noReasons")}</p>
          ) : (
            <ul>
              {exposure.reasons.map((r, i) => (
                <li key={i}>
                  {r.text}
                  {r.sources.length > 0 && (
                    <ul className="sources" aria-label={t("exposure.sources")}>
                      {r.sources.map((s, j) => (
                        <li key={j}>
                          {/* Shown, not linked: the app opens no remote content. */}
                          <span className="source-title">{s.title}</span> <code className="source-url">{s.url}</code>{" "}
                          <span className="muted">({t("exposure.seen", { date: s.seen })})</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </li>
  );
}
