// The composition editor: the deployment's YAML text is the source of truth. Every change
// (from the catalog panel, the canvas or the side panel) is one typed edit sent to
// `compose_apply`, which returns the new text with `triplane check`'s diagnostics on it. A
// text without problems goes to the app through `ctx.onEdit`, so Simulation, Export and
// saving see it; undo and redo walk a stack of texts.
import "@xyflow/react/dist/style.css";
import "./compose.css";

import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { ReactFlowProvider } from "@xyflow/react";

import * as composeIpc from "../../ipc/compose";
import type { ComposeEdit, Composition } from "../../ipc/compose";
import type { DiagnosticView, WireError } from "../../ipc/result";
import type { DeploymentContext } from "../registry";
import * as history from "./history";
import type { History } from "./history";
import { CatalogPanel } from "./CatalogPanel";
import { Canvas } from "./Canvas";
import { SidePanel } from "./SidePanel";
import { Problem } from "./Problem";

export function Compose({ ctx }: { ctx: DeploymentContext }) {
  const { t } = useTranslation();
  const file = ctx.view.file;
  const hist = useRef<History | null>(null);
  const [comp, setComp] = useState<Composition | null>(null);
  const [, setVersion] = useState(0);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<WireError | null>(null);
  const [openError, setOpenError] = useState<WireError | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [showYaml, setShowYaml] = useState(false);
  const onEdit = ctx.onEdit;

  /** Shows `c` as the current text, and hands it to the app when it has no problem. */
  const show = useCallback(
    async (h: History, c: Composition) => {
      hist.current = h;
      history.keep(file, h);
      setComp(c);
      setVersion((v) => v + 1);
      if (c.diagnostics.length === 0 && c.text !== h.appText) {
        const err = await onEdit(c.text);
        if (err) setRefusal(err);
        else {
          h.appText = c.text;
          history.keep(file, h);
        }
      }
    },
    [file, onEdit],
  );

  useEffect(() => {
    let live = true;
    const resumed = history.resume(file, ctx.text);
    void (async () => {
      const r = await composeIpc.open(file, resumed ? history.current(resumed) : ctx.text);
      if (!live) return;
      if (!r.ok) {
        setOpenError(r.error);
        return;
      }
      const h = resumed ?? history.start(r.value.text, ctx.text);
      hist.current = h;
      history.keep(file, h);
      setComp(r.value);
      setVersion((v) => v + 1);
    })();
    return () => {
      live = false;
    };
    // Opened once per file: later `ctx.text` changes are this editor's own edits coming back.
  }, [file]);

  const apply = useCallback(
    async (edit: ComposeEdit) => {
      const h = hist.current;
      if (!h || busy) return;
      setBusy(true);
      const r = await composeIpc.apply(file, history.current(h), edit);
      if (r.ok) {
        setRefusal(null);
        if (r.value.text !== history.current(h)) await show(history.push(h, r.value.text), r.value);
        if (edit.edit === "add-offering" || edit.edit === "add-local") {
          const before = new Set(comp?.view?.components.map((c) => c.id));
          const added = r.value.view?.components.find((c) => !before.has(c.id));
          if (added) setSelected(added.id);
        }
        if (edit.edit === "remove" && edit.id === selected) setSelected(null);
        if (edit.edit === "rename" && edit.id === selected) setSelected(edit.to.trim());
      } else {
        setRefusal(r.error);
      }
      setBusy(false);
    },
    [busy, comp, file, selected, show],
  );

  const step = useCallback(
    async (move: (h: History) => History) => {
      const h = hist.current;
      if (!h || busy) return;
      const next = move(h);
      if (next === h) return;
      setBusy(true);
      const r = await composeIpc.open(file, history.current(next));
      if (r.ok) {
        setRefusal(null);
        await show(next, r.value);
        if (selected && !r.value.view?.components.some((c) => c.id === selected)) setSelected(null);
      } else setRefusal(r.error);
      setBusy(false);
    },
    [busy, file, selected, show],
  );

  const onKeyDown = (e: KeyboardEvent) => {
    if (!(e.ctrlKey || e.metaKey)) return;
    const target = e.target as HTMLElement;
    // Inside a text field, Ctrl+Z belongs to the field.
    if (target.closest("input, textarea, select")) return;
    const key = e.key.toLowerCase();
    if (key === "z" && !e.shiftKey) {
      e.preventDefault();
      void step(history.undo);
    } else if ((key === "z" && e.shiftKey) || key === "y") {
      e.preventDefault();
      void step(history.redo);
    }
  };

  if (openError)
    return (
      <section className="compose" data-testid="compose">
        <p className="error-text" role="alert" data-testid="compose-open-error">
          {t("compose.openFailed")} {openError.message}
        </p>
      </section>
    );
  const h = hist.current;
  if (!comp || !h) return <p className="muted">{t("compose.loading")}</p>;
  const view = comp.view;
  const problems = comp.diagnostics;

  return (
    <section
      className="compose"
      data-testid="compose"
      aria-labelledby="compose-title"
      onKeyDown={onKeyDown}
      data-busy={busy ? "true" : "false"}
      data-version={h.at}
    >
      <header className="compose-bar">
        <h2 id="compose-title">{t("compose.title")}</h2>
        <div className="compose-actions" role="toolbar" aria-label={t("compose.toolbar")}>
          <button type="button" className="secondary" data-testid="compose-undo" disabled={busy || !history.canUndo(h)} onClick={() => void step(history.undo)} title={t("compose.undoKeys")}>
            ↶ {t("compose.undo")}
          </button>
          <button type="button" className="secondary" data-testid="compose-redo" disabled={busy || !history.canRedo(h)} onClick={() => void step(history.redo)} title={t("compose.redoKeys")}>
            ↷ {t("compose.redo")}
          </button>
          <button type="button" className="secondary" aria-pressed={showYaml} data-testid="compose-yaml-toggle" onClick={() => setShowYaml((s) => !s)}>
            {t("compose.viewYaml")}
          </button>
        </div>
        <span className={`compose-status ${problems.length ? "has-problems" : "valid"}`} data-testid="compose-status" data-problems={problems.length} role="status">
          {busy ? t("compose.applying") : problems.length ? t("compose.problems", { count: problems.length }) : t("compose.valid")}
        </span>
      </header>

      {refusal && (
        <div className="compose-refusal" role="alert" data-testid="compose-refusal">
          <p>
            <strong>{t("compose.refused")}</strong> {refusal.message}
          </p>
          {refusal.diagnostics.length > 0 && (
            <ul>
              {refusal.diagnostics.map((d, i) => (
                <Problem key={i} d={d} />
              ))}
            </ul>
          )}
          <button type="button" className="ghost" onClick={() => setRefusal(null)}>
            {t("compose.dismiss")}
          </button>
        </div>
      )}

      <div className="compose-body">
        <CatalogPanel busy={busy || !view} apply={apply} />
        <div className="compose-centre">
          {view ? (
            <ReactFlowProvider>
              <Canvas view={view} diagnostics={problems} selected={selected} onSelect={setSelected} apply={apply} />
            </ReactFlowProvider>
          ) : (
            <p className="error-text">{t("compose.unreadable")}</p>
          )}
          <Problems diagnostics={problems} components={view?.components ?? []} onSelect={setSelected} />
          {showYaml && (
            <section className="compose-yaml" aria-labelledby="compose-yaml-title">
              <h3 id="compose-yaml-title">{t("compose.yamlTitle")}</h3>
              <p className="muted">{t("compose.yamlNote")}</p>
              <textarea readOnly value={comp.text} data-testid="compose-yaml" aria-labelledby="compose-yaml-title" spellCheck={false} rows={18} />
            </section>
          )}
        </div>
        {view && <SidePanel view={view} diagnostics={problems} selected={selected} onSelect={setSelected} apply={apply} busy={busy} />}
      </div>
    </section>
  );
}

function Problems({
  diagnostics,
  components,
  onSelect,
}: {
  diagnostics: DiagnosticView[];
  components: { id: string; path: string }[];
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  if (diagnostics.length === 0)
    return (
      <p className="compose-ok" data-testid="compose-problems" data-count={0}>
        {t("compose.noProblems")}
      </p>
    );
  const owner = (d: DiagnosticView) => components.find((c) => d.path === c.path || d.path.startsWith(`${c.path}.`));
  return (
    <section className="compose-problems" aria-labelledby="compose-problems-title" data-testid="compose-problems" data-count={diagnostics.length}>
      <h3 id="compose-problems-title">{t("compose.problemsTitle")}</h3>
      <ul>
        {diagnostics.map((d, i) => {
          const c = owner(d);
          return <Problem key={i} d={d} onShow={c ? () => onSelect(c.id) : undefined} />;
        })}
      </ul>
    </section>
  );
}
