// The History tab: the YAML of the open deployment (editable: Apply resolves it first, as the
// other views' edits are), the revisions of its project with time and message, the line diff
// between any two, and Restore, which saves the old text as a new revision (none is deleted).
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import * as historyIpc from "../ipc/history";
import type { DiffView, RevisionView } from "../ipc/history";
import type { WireError } from "../ipc/result";
import { isDirty, useDocument } from "../document";

export function History() {
  const { t } = useTranslation();
  const api = useDocument();
  const doc = api?.doc ?? null;
  const projectId = doc?.projectId ?? null;
  const [revisions, setRevisions] = useState<RevisionView[] | null>(null);
  const [listError, setListError] = useState<WireError | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [diff, setDiff] = useState<DiffView | null>(null);
  const [diffError, setDiffError] = useState<WireError | null>(null);
  const [restoreError, setRestoreError] = useState<WireError | null>(null);

  useEffect(() => {
    if (projectId === null) {
      setRevisions(null);
      return;
    }
    void historyIpc.revisions(projectId).then((r) => {
      if (!r.ok) {
        setListError(r.error);
        return;
      }
      setListError(null);
      setRevisions(r.value);
      // The newest against the one before it, to start with.
      setTo(r.value[0]?.id ?? null);
      setFrom(r.value[1]?.id ?? r.value[0]?.id ?? null);
    });
  }, [projectId, api?.saves]);

  useEffect(() => {
    if (from === null || to === null) {
      setDiff(null);
      return;
    }
    void historyIpc.diff(from, to).then((r) => {
      setDiff(r.ok ? r.value : null);
      setDiffError(r.ok ? null : r.error);
    });
  }, [from, to]);

  async function restore(rev: RevisionView) {
    if (!api) return;
    const text = await historyIpc.revisionText(rev.id);
    if (!text.ok) {
      setRestoreError(text.error);
      return;
    }
    const edit = await api.setText(text.value);
    const saved = edit ?? (await api.save(t("history.restoredMessage", { number: rev.number }), text.value));
    setRestoreError(saved);
  }

  const number = (id: number | null) => revisions?.find((r) => r.id === id)?.number;

  return (
    <div className="history" data-testid="history">
      <SourceEditor />

      <section aria-labelledby="revisions-title">
        <h3 id="revisions-title">{t("history.revisions")}</h3>
        {projectId === null ? (
          <p className="muted" data-testid="no-history">
            {t("history.none")}
          </p>
        ) : listError ? (
          <p className="error-text" role="alert">
            {t("history.failed")} <code>{listError.message}</code>
          </p>
        ) : (
          <table className="revisions" data-testid="revisions">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t("history.when")}</th>
                <th scope="col">{t("history.message")}</th>
                <th scope="col">{t("history.from")}</th>
                <th scope="col">{t("history.to")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("history.restore")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {revisions?.map((r) => (
                <tr key={r.id} data-revision={r.number}>
                  <td>{r.number}</td>
                  <td>
                    <Time ms={r.created ?? 0} />
                  </td>
                  <td data-testid="revision-message">{r.message ?? ""}</td>
                  <td>
                    <input
                      type="radio"
                      name="diff-from"
                      aria-label={t("history.fromLabel", { number: r.number })}
                      checked={from === r.id}
                      onChange={() => setFrom(r.id)}
                    />
                  </td>
                  <td>
                    <input
                      type="radio"
                      name="diff-to"
                      aria-label={t("history.toLabel", { number: r.number })}
                      checked={to === r.id}
                      onChange={() => setTo(r.id)}
                    />
                  </td>
                  <td>
                    <button type="button" className="secondary" data-testid="restore" onClick={() => void restore(r)}>
                      {t("history.restore")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {restoreError && (
          <p className="error-text" role="alert" data-testid="restore-error">
            {t("history.restoreFailed")} <code>{restoreError.message}</code>
          </p>
        )}
      </section>

      {diff && (
        <section aria-labelledby="diff-title" data-testid="diff" data-added={diff.added} data-removed={diff.removed}>
          <h3 id="diff-title">
            {t("history.diffTitle", { from: number(from), to: number(to) })}{" "}
            <span className="muted">{t("history.diffCounts", { added: diff.added, removed: diff.removed })}</span>
          </h3>
          {diff.hunks.length === 0 ? (
            <p className="muted">{t("history.same")}</p>
          ) : (
            diff.hunks.map((h, i) => (
              <table className="diff" key={i}>
                <tbody>
                  {h.map((l, j) => (
                    <tr key={j} className={`diff-${l.tag}`} data-diff={l.tag}>
                      <td className="diff-n">{l.old ?? ""}</td>
                      <td className="diff-n">{l.new ?? ""}</td>
                      <td className="diff-sign" aria-label={t(`history.tag.${l.tag}`)}>
                        {l.tag === "added" ? "+" : l.tag === "removed" ? "−" : " "}
                      </td>
                      <td className="diff-text">
                        <code>{l.text}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ))
          )}
        </section>
      )}
      {diffError && (
        <p className="error-text" role="alert">
          {t("history.failed")} <code>{diffError.message}</code>
        </p>
      )}
    </div>
  );
}

function Time({ ms }: { ms: number }) {
  const { i18n } = useTranslation();
  const d = new Date(ms);
  return (
    <time dateTime={d.toISOString()}>
      {new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeStyle: "medium" }).format(d)}
    </time>
  );
}

/** The YAML as the app holds it; Apply resolves it and keeps it as the open text. */
function SourceEditor() {
  const { t } = useTranslation();
  const api = useDocument();
  const doc = api?.doc ?? null;
  const [draft, setDraft] = useState(doc?.text ?? "");
  const [error, setError] = useState<WireError | null>(null);
  const [applying, setApplying] = useState(false);

  // A save, a restore or another view's edit replaces the text under the editor.
  useEffect(() => setDraft(doc?.text ?? ""), [doc?.text]);

  if (!api || !doc || doc.text === null) return null;
  const changed = draft !== doc.text;

  return (
    <section aria-labelledby="source-title">
      <h3 id="source-title">
        {t("history.source")} {isDirty(doc) && <span className="file-state dirty">{t("files.unsaved")}</span>}
      </h3>
      <p className="muted">{t("history.sourceHint")}</p>
      <textarea
        className="source"
        data-testid="source"
        spellCheck={false}
        value={draft}
        aria-label={t("history.source")}
        onChange={(e) => setDraft(e.target.value)}
        rows={Math.min(28, Math.max(8, draft.split("\n").length + 1))}
      />
      <div className="row">
        <button
          type="button"
          className="secondary"
          data-testid="source-apply"
          disabled={!changed || applying}
          onClick={async () => {
            setApplying(true);
            setError(await api.setText(draft));
            setApplying(false);
          }}
        >
          {t("history.apply")}
        </button>
        <button type="button" className="ghost" disabled={!changed} onClick={() => setDraft(doc.text ?? "")}>
          {t("history.revert")}
        </button>
      </div>
      {error && (
        <div className="file-error" role="alert" data-testid="source-error" data-error-code={error.code}>
          <p>{t("history.applyFailed")}</p>
          <ul>
            {error.diagnostics.map((d, i) => (
              <li key={i} data-line={d.line}>
                {d.line}:{d.column} {d.path && <code>{d.path}</code>} {d.message}
                {d.hint && <span className="muted"> — {d.hint}</span>}
              </li>
            ))}
            {error.diagnostics.length === 0 && <li>{error.message}</li>}
          </ul>
        </div>
      )}
    </section>
  );
}
