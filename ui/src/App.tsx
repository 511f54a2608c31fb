// The app's top level: the deployment it holds (opened from a file, a project or an example),
// the start screen when there is none, the file bar (save, save as, unsaved changes,
// autosave) above the tabs of the open deployment, and the header's pages.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import * as appIpc from "./ipc/app";
import * as deploymentIpc from "./ipc/deployment";
import type { ExampleSummary, PlaneView } from "./ipc/deployment";
import * as filesIpc from "./ipc/files";
import type { AutosaveView, OpenedFile, ResumedWork } from "./ipc/files";
import * as historyIpc from "./ipc/history";
import type { WireError } from "./ipc/result";
import { Header } from "./components/Header";
import { OpenErrors } from "./components/OpenErrors";
import { FileBar } from "./components/FileBar";
import { Sidebar, type Selection } from "./components/Sidebar";
import { DocumentContext, isDirty, type Doc, type DocumentApi } from "./document";
import { Start, DEMO_EXAMPLES } from "./views/Start";
import { DEPLOYMENT_TABS, PAGES } from "./views/registry";
import "./files.css";

/** What the user tried to open and why it failed; the current view stays as it was. */
export type OpenFailure = { file: string; error: WireError };

/** How long the text rests before it is autosaved. */
const AUTOSAVE_MS = 800;

export function App() {
  const { t } = useTranslation();
  const [examples, setExamples] = useState<ExampleSummary[] | null>(null);
  const [examplesError, setExamplesError] = useState<WireError | null>(null);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [view, setView] = useState<PlaneView | null>(null);
  const [doc, setDoc] = useState<Doc | null>(null);
  const [failure, setFailure] = useState<OpenFailure | null>(null);
  const [page, setPage] = useState<string>("deployments");
  const [tab, setTab] = useState<string>(DEPLOYMENT_TABS[0]!.id);
  const [autosaves, setAutosaves] = useState<AutosaveView[] | null>(null);
  const [autosaveState, setAutosaveState] = useState<{ at: number } | { error: string } | null>(null);
  const [saves, setSaves] = useState(0);
  const [comparePreset, setComparePreset] = useState<string[] | null>(null);
  const [projectsVersion, setProjectsVersion] = useState(0);
  const marked = useRef(false);

  const showFile = useCallback((f: OpenedFile) => {
    setView(f.view);
    setDoc({
      origin: { kind: "file", handle: f.handle },
      name: f.name,
      path: f.path,
      projectId: f.projectId,
      savedText: f.text,
      text: f.text,
    });
    setSelection({ kind: "file", id: f.path });
    setFailure(null);
    setComparePreset(null);
    setProjectsVersion((v) => v + 1);
  }, []);

  const openExample = useCallback(async (id: string): Promise<boolean> => {
    const r = await deploymentIpc.openExample(id);
    if (!r.ok) {
      setFailure({ file: `example:${id}`, error: r.error });
      return false;
    }
    const text = await filesIpc.exampleText(id);
    setView(r.value);
    setDoc({
      origin: { kind: "example", id },
      name: id,
      path: null,
      projectId: null,
      savedText: text.ok ? text.value : null,
      text: text.ok ? text.value : null,
    });
    setSelection({ kind: "example", id });
    setFailure(null);
    setComparePreset(null);
    return true;
  }, []);

  // A new deployment is held like an example: nothing to keep until it is edited, and its
  // first Save is a Save as.
  const newDeployment = useCallback(async () => {
    const r = await deploymentIpc.newDeployment();
    if (!r.ok) {
      setFailure({ file: "", error: r.error });
      return;
    }
    setView(r.value.view);
    setDoc({ origin: { kind: "new" }, name: r.value.name, path: null, projectId: null, savedText: r.value.text, text: r.value.text });
    setSelection(null);
    setFailure(null);
    setComparePreset(null);
  }, []);

  const openProject = useCallback(async (id: number, name: string) => {
    const r = await historyIpc.openProject(id);
    if (!r.ok) {
      setFailure({ file: name, error: r.error });
      return;
    }
    setView(r.value.view);
    setDoc({
      origin: { kind: "project", id },
      name: r.value.name,
      path: r.value.file,
      projectId: id,
      savedText: r.value.text,
      text: r.value.text,
    });
    setSelection({ kind: "project", id: String(id) });
    setFailure(null);
    setComparePreset(null);
  }, []);

  const openFile = useCallback(async () => {
    const r = await filesIpc.openDialog();
    if (!r.ok) setFailure({ file: "", error: r.error });
    else if (r.value) showFile(r.value);
  }, [showFile]);

  useEffect(() => {
    void (async () => {
      const r = await deploymentIpc.examples();
      if (r.ok) setExamples(r.value);
      else setExamplesError(r.error);
      const kept = await filesIpc.autosaves();
      setAutosaves(kept.ok ? kept.value : []);
      const file = await filesIpc.launch();
      if (!file.ok) {
        setFailure({ file: "", error: file.error });
        return;
      }
      if (file.value) {
        showFile(file.value);
        return;
      }
      const launch = await appIpc.launchFile();
      if (launch.ok && launch.value?.file.startsWith("example:")) {
        await openExample(launch.value.file.slice("example:".length));
      } else if (!launch.ok) {
        setFailure({ file: "", error: launch.error });
      }
    })();
  }, [showFile, openExample]);

  // The start screen is interactive once the examples list is on screen; the marker is
  // emitted after the browser has painted that frame.
  useEffect(() => {
    if (marked.current || (examples === null && examplesError === null)) return;
    marked.current = true;
    requestAnimationFrame(() => setTimeout(() => void appIpc.markFirstPaint(), 0));
  }, [examples, examplesError]);

  // Unsaved work goes to the store a moment after the last change, never over the file.
  useEffect(() => {
    if (!doc || !isDirty(doc) || doc.text === null) return;
    const { origin, name, text } = doc;
    const timer = setTimeout(() => {
      void filesIpc.autosave(origin, name, text).then((r) => {
        setAutosaveState(r.ok ? { at: Date.now() } : { error: r.error.message });
        if (r.ok) document.documentElement.dataset.autosavedChars = String(text.length);
      });
    }, AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [doc]);

  const setText = useCallback(
    async (text: string): Promise<WireError | null> => {
      if (!view || !doc) return null;
      const r = await deploymentIpc.openText(doc.path ?? view.file, text);
      if (!r.ok) return r.error;
      setView(r.value);
      setDoc((d) => (d ? { ...d, text } : d));
      return null;
    },
    [view, doc],
  );

  const afterFileSave = useCallback(
    (f: OpenedFile) => {
      showFile(f);
      setSaves((n) => n + 1);
      setAutosaveState(null);
    },
    [showFile],
  );

  const saveAs = useCallback(
    async (message?: string, given?: string): Promise<WireError | null> => {
      const text = given ?? doc?.text ?? null;
      if (!doc || text === null) return null;
      const suggested = doc.origin.kind === "file" ? doc.name : `${doc.name.replace(/\.ya?ml$/i, "")}.yaml`;
      const r = await filesIpc.saveAsDialog(suggested, text, message ?? null, doc.origin.kind === "file" ? null : doc.origin);
      if (!r.ok) return r.error;
      if (r.value) afterFileSave(r.value.file);
      return null;
    },
    [doc, afterFileSave],
  );

  const save = useCallback(
    async (message?: string, given?: string): Promise<WireError | null> => {
      if (!doc) return null;
      const text = given ?? doc.text;
      if (text === null) return null;
      if (doc.origin.kind === "file") {
        const r = await filesIpc.save(doc.origin.handle, text, message ?? null);
        if (!r.ok) return r.error;
        afterFileSave(r.value.file);
        return null;
      }
      if (doc.origin.kind === "project") {
        const r = await historyIpc.saveProject(doc.origin.id, text, message ?? null);
        if (!r.ok) return r.error;
        setDoc((d) => (d ? { ...d, savedText: text } : d));
        setSaves((n) => n + 1);
        setAutosaveState(null);
        setProjectsVersion((v) => v + 1);
        return null;
      }
      return saveAs(message, text);
    },
    [doc, afterFileSave, saveAs],
  );

  const resume = useCallback(async (a: AutosaveView) => {
    const r = await filesIpc.resume(a.source);
    if (!r.ok) {
      setFailure({ file: a.name, error: r.error });
      return;
    }
    const w: ResumedWork = r.value;
    // The saved text is what the origin holds on disk or in the store; the resumed text is
    // unsaved until the user saves it.
    let savedText: string | null = null;
    if (w.origin.kind === "example") {
      const ex = await filesIpc.exampleText(w.origin.id);
      savedText = ex.ok ? ex.value : null;
    }
    setView(w.view);
    setDoc({ origin: w.origin, name: w.name, path: w.path, projectId: w.projectId, savedText, text: w.text });
    setSelection(
      w.origin.kind === "example"
        ? { kind: "example", id: w.origin.id }
        : w.origin.kind === "project"
          ? { kind: "project", id: String(w.origin.id) }
          : w.origin.kind === "new"
            ? null
            : { kind: "file", id: w.path ?? w.name },
    );
    setAutosaves((list) => list?.filter((x) => x.source !== a.source) ?? null);
    setFailure(null);
  }, []);

  const discard = useCallback(async (a: AutosaveView) => {
    const r = await filesIpc.discard(a.source);
    if (!r.ok) setFailure({ file: a.name, error: r.error });
    else setAutosaves((list) => list?.filter((x) => x.source !== a.source) ?? null);
  }, []);

  const compareOptions = useCallback(async () => {
    if (await openExample(DEMO_EXAMPLES[0]!)) {
      setComparePreset([...DEMO_EXAMPLES]);
      setTab("compare");
    }
  }, [openExample]);

  const api: DocumentApi = useMemo(
    () => ({ doc, save, saveAs, setText, saves, comparePreset }),
    [doc, save, saveAs, setText, saves, comparePreset],
  );

  const current = PAGES.find((p) => p.id === page);
  const activeTab = DEPLOYMENT_TABS.find((x) => x.id === tab) ?? DEPLOYMENT_TABS[0]!;

  return (
    <DocumentContext.Provider value={api}>
      <div className="app">
        <Header page={page} onPage={setPage} />
        {current ? (
          <main className="main page" data-page={current.id} aria-live="polite">
            {current.render()}
          </main>
        ) : (
          <div className="body">
            <Sidebar
              examples={examples}
              examplesError={examplesError}
              selection={selection}
              projectsVersion={projectsVersion}
              onExample={(id) => void openExample(id)}
              onProject={(id, name) => void openProject(id, name)}
              onOpenFile={() => void openFile()}
              onNew={() => void newDeployment()}
            />
            <main className="main" aria-live="polite">
              {failure && <OpenErrors failure={failure} onDismiss={() => setFailure(null)} />}
              {view ? (
                <>
                  <FileBar autosave={autosaveState} />
                  <nav className="tabs" role="tablist" aria-label={t("tabs.label")}>
                    {DEPLOYMENT_TABS.map((x) => (
                      <button
                        key={x.id}
                        type="button"
                        role="tab"
                        id={`tab-${x.id}`}
                        data-tab={x.id}
                        aria-selected={x.id === activeTab.id}
                        aria-controls="tab-panel"
                        onClick={() => setTab(x.id)}
                      >
                        {t(x.label)}
                      </button>
                    ))}
                  </nav>
                  <div
                    id="tab-panel"
                    role="tabpanel"
                    aria-labelledby={`tab-${activeTab.id}`}
                    data-tab-panel={activeTab.id}
                    key={view.file}
                  >
                    {activeTab.render({ view, text: doc?.text ?? null, examples, onEdit: setText })}
                  </div>
                </>
              ) : (
                <Start
                  examples={examples}
                  autosaves={autosaves}
                  onCompare={() => void compareOptions()}
                  onOpenFile={() => void openFile()}
                  onNew={() => void newDeployment()}
                  onResume={(a) => void resume(a)}
                  onDiscard={(a) => void discard(a)}
                />
              )}
            </main>
          </div>
        )}
      </div>
    </DocumentContext.Provider>
  );
}
