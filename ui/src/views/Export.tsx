// The Export tab: the bundle of the open deployment as it would be written (tree, file
// contents, each component folder's README), then written as a folder or a `.tar.gz`, signed
// with a key the user names by path, and read back and verified as `triplane verify` does.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import * as exportIpc from "../ipc/export";
import type { BundlePreview, ExportDone } from "../ipc/export";
import type { WireError } from "../ipc/result";
import { BundleTree } from "./export/BundleTree";
import "./export/Export.css";

type Props = { file: string; text: string | null };

/** The bundle's suggested name: the deployment file's stem, or the example's ID. */
export function bundleName(file: string): string {
  const base = file.startsWith("example:") ? file.slice("example:".length) : (file.split(/[\\/]/).pop() ?? "");
  const stem = base.replace(/\.(ya?ml)$/i, "");
  return `${stem || "deployment"}-bundle`;
}

export function Export({ file, text }: Props) {
  const { t } = useTranslation();
  const [preview, setPreview] = useState<BundlePreview | null>(null);
  const [previewError, setPreviewError] = useState<WireError | null>(null);

  useEffect(() => {
    let live = true;
    setPreview(null);
    setPreviewError(null);
    void exportIpc.preview(file, text).then((r) => {
      if (!live) return;
      if (r.ok) setPreview(r.value);
      else setPreviewError(r.error);
    });
    return () => {
      live = false;
    };
  }, [file, text]);

  return (
    <section className="export" aria-labelledby="export-title" data-testid="export">
      <h3 id="export-title">{t("export.title")}</h3>
      <p className="muted">{t("export.intro")}</p>
      {previewError && (
        <p className="error-text" role="alert" data-testid="export-preview-error">
          {t("export.previewFailed")} {previewError.message}
        </p>
      )}
      {!preview && !previewError && <p className="muted">{t("export.loading")}</p>}
      {preview && (
        <>
          <p className="meta" data-testid="export-summary" data-files={preview.files.length}>
            {t("export.summary", { count: preview.files.length, hash: preview.deploymentHash })}
          </p>
          <BundleTree files={preview.files} />
        </>
      )}
      <WriteForm file={file} text={text} disabled={!preview} />
    </section>
  );
}

function WriteForm({ file, text, disabled }: { file: string; text: string | null; disabled: boolean }) {
  const { t } = useTranslation();
  const [target, setTarget] = useState("");
  const [archive, setArchive] = useState(false);
  const [sign, setSign] = useState(true);
  const [key, setKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<ExportDone | null>(null);
  const [error, setError] = useState<WireError | null>(null);

  useEffect(() => {
    void exportIpc.defaultKey().then((k) => {
      if (k) setKey((current) => current || k);
    });
  }, []);

  const keyPath = sign && key.trim() !== "" ? key.trim() : null;
  const ready = !disabled && !busy && target.trim() !== "" && (!sign || keyPath !== null);

  async function pick() {
    setError(null);
    const r = await exportIpc.pickTarget(archive, bundleName(file));
    if (!r.ok) setError(r.error);
    else if (r.value !== null) setTarget(r.value);
  }

  async function write() {
    setBusy(true);
    setError(null);
    setDone(null);
    const w = await exportIpc.write(file, text, target.trim(), archive, keyPath);
    if (!w.ok) {
      setBusy(false);
      setError(w.error);
      return;
    }
    setBusy(false);
    setDone(w.value);
  }

  return (
    <form
      className="export-form"
      data-testid="export-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) void write();
      }}
    >
      <h4>{t("export.writeTitle")}</h4>
      <div className="export-target">
        <label className="field">
          <span>{t("export.target")}</span>
          <input
            data-testid="export-target"
            value={target}
            spellCheck={false}
            placeholder={archive ? t("export.targetArchiveHint") : t("export.targetFolderHint")}
            onChange={(e) => setTarget(e.target.value)}
          />
        </label>
        <button type="button" className="secondary" data-testid="export-pick-target" disabled={busy} onClick={() => void pick()}>
          {archive ? t("export.pickArchive") : t("export.pickFolder")}
        </button>
      </div>
      <fieldset className="choice">
        <legend>{t("export.format")}</legend>
        <label>
          <input type="radio" name="format" data-testid="export-format-folder" checked={!archive} onChange={() => setArchive(false)} />
          {t("export.folder")}
        </label>
        <label>
          <input type="radio" name="format" data-testid="export-format-archive" checked={archive} onChange={() => setArchive(true)} />
          {t("export.archive")}
        </label>
      </fieldset>
      <label className="check">
        <input type="checkbox" data-testid="export-sign" checked={sign} onChange={(e) => setSign(e.target.checked)} />
        {t("export.sign")}
      </label>
      {sign && (
        <label className="field">
          <span>{t("export.key")}</span>
          <input
            data-testid="export-key"
            value={key}
            spellCheck={false}
            placeholder={t("export.keyHint")}
            onChange={(e) => setKey(e.target.value)}
          />
        </label>
      )}
      <p className="muted small">{sign ? t("export.keyNote") : t("export.unsignedNote")}</p>
      <button type="submit" data-testid="export-write" disabled={!ready}>
        {busy ? t("export.writing") : t("export.write")}
      </button>

      {error && (
        <p className="error-text" role="alert" data-testid="export-error" data-code={error.code}>
          {t("export.failed")} {error.message}
        </p>
      )}
      {done && <Written done={done} />}
    </form>
  );
}

function Written({ done }: { done: ExportDone }) {
  const { t } = useTranslation();
  const v = done.verify;
  return (
    <div className="export-result" data-testid="export-result" data-out={done.out} data-signed={done.signed}>
      <p>
        {t(done.archive ? "export.wroteArchive" : "export.wroteFolder", { count: done.files })} <code>{done.out}</code>
        {done.signed ? ` — ${t("export.signed")}` : ` — ${t("export.unsigned")}`}
      </p>
      <div
        className={`verify ${v.ok ? "verify-ok" : "verify-failed"}`}
        data-testid="export-verify"
        data-ok={v.ok}
        data-signature={v.signature}
      >
        <p>
          <strong>{v.ok ? t("export.verifyOk") : t("export.verifyFailed")}</strong>{" "}
          {t("export.verifyFiles", { count: v.files })}
        </p>
        <p>
          {t(`export.signature.${v.signature}`)}
          {v.signatureDetail && <span className="muted"> ({v.signatureDetail})</span>}
        </p>
        {v.manifestError && <p className="error-text">{v.manifestError}</p>}
        {(["changed", "missing", "added"] as const).map((k) =>
          v[k].length > 0 ? (
            <p key={k} className="error-text">
              {t(`export.${k}`)} {v[k].join(", ")}
            </p>
          ) : null,
        )}
      </div>
    </div>
  );
}
