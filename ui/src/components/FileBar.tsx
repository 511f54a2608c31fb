// Above the tabs: what is open (file path, project or example), whether it has unsaved
// changes, Save and Save as, the outcome of the last save and of the autosave. A refused save
// keeps the text in the app and offers Save as.
import { useState } from "react";
import { useTranslation } from "react-i18next";

import type { WireError } from "../ipc/result";
import { isDirty, useDocument } from "../document";

type Props = { autosave: { at: number } | { error: string } | null };

export function FileBar({ autosave }: Props) {
  const { t, i18n } = useTranslation();
  const api = useDocument();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WireError | null>(null);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  if (!api?.doc) return null;
  const { doc } = api;
  const dirty = isDirty(doc);
  const time = (ms: number) => new Date(ms).toLocaleTimeString(i18n.language);

  async function run(action: () => Promise<WireError | null>) {
    setBusy(true);
    const e = await action();
    setBusy(false);
    setError(e);
    if (!e) setSavedAt(Date.now());
  }

  const where =
    doc.origin.kind === "file"
      ? t("files.fromFile", { path: doc.path ?? doc.name })
      : doc.origin.kind === "project"
        ? t("files.fromProject", { name: doc.name })
        : doc.origin.kind === "new"
          ? t("files.fromNew")
          : t("files.fromExample", { id: doc.name });

  return (
    <section className="file-bar" aria-label={t("files.barLabel")} data-testid="file-bar" data-dirty={dirty} data-origin={doc.origin.kind} data-path={doc.path ?? ""}>
      <div className="file-where">
        <span className="file-name" title={doc.path ?? undefined}>
          {where}
        </span>
        {dirty ? (
          <span className="file-state dirty" data-testid="unsaved">
            {t("files.unsaved")}
          </span>
        ) : doc.origin.kind === "new" ? null : (
          <span className="file-state">{t("files.clean")}</span>
        )}
        {"error" in (autosave ?? {}) ? (
          <span className="file-state error" data-testid="autosave-error">
            {t("files.autosaveFailed")}
          </span>
        ) : autosave && "at" in autosave && dirty ? (
          <span className="file-state" data-testid="autosaved">
            {t("files.autosaved", { time: time(autosave.at) })}
          </span>
        ) : null}
      </div>
      <div className="file-actions">
        <button
          type="button"
          className="primary"
          data-testid="save"
          disabled={busy || doc.text === null}
          onClick={() => void run(() => api.save())}
          title={doc.origin.kind === "example" ? t("files.exampleSaveHint") : undefined}
        >
          {busy ? t("files.saving") : t("files.save")}
        </button>
        <button type="button" className="secondary" data-testid="save-as" disabled={busy || doc.text === null} onClick={() => void run(() => api.saveAs())}>
          {t("files.saveAs")}
        </button>
      </div>
      {error && (
        <div className="file-error" role="alert" data-testid="save-error" data-error-code={error.code}>
          <p>{t("files.saveFailed")}</p>
          <p className="detail">
            <code>{error.message}</code>
          </p>
          {error.diagnostics.length > 0 && (
            <ul>
              {error.diagnostics.map((d, i) => (
                <li key={i}>
                  {d.line}:{d.column} {d.path && <code>{d.path}</code>} {d.message}
                </li>
              ))}
            </ul>
          )}
          <div className="row">
            <button type="button" className="secondary" data-testid="save-error-save-as" onClick={() => void run(() => api.saveAs())}>
              {t("files.saveAs")}
            </button>
            <button type="button" className="ghost" onClick={() => setError(null)}>
              {t("files.dismiss")}
            </button>
          </div>
        </div>
      )}
      {!error && savedAt && !dirty && (
        <p className="file-saved muted" data-testid="saved">
          {t("files.savedAt", { time: time(savedAt) })}
        </p>
      )}
    </section>
  );
}
