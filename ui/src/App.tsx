// The first screen: the deployments on the left (bundled examples, the user's projects, a
// file to open), the plane view of the selected one on the right.
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import * as appIpc from "./ipc/app";
import * as deploymentIpc from "./ipc/deployment";
import type { ExampleSummary, PlaneView } from "./ipc/deployment";
import type { WireError } from "./ipc/result";
import { Header } from "./components/Header";
import { OpenErrors } from "./components/OpenErrors";
import { Sidebar, type Selection } from "./components/Sidebar";
import { DEPLOYMENT_TABS, PAGES } from "./views/registry";

/** What the user tried to open and why it failed; the current view stays as it was. */
export type OpenFailure = { file: string; error: WireError };

/** Deployment text the user opened from a file, kept so it can become a project. */
export type OpenedText = { file: string; text: string };

export function App() {
  const { t } = useTranslation();
  const [examples, setExamples] = useState<ExampleSummary[] | null>(null);
  const [examplesError, setExamplesError] = useState<WireError | null>(null);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [view, setView] = useState<PlaneView | null>(null);
  const [openedText, setOpenedText] = useState<OpenedText | null>(null);
  const [failure, setFailure] = useState<OpenFailure | null>(null);
  const [page, setPage] = useState<string>("deployments");
  const [tab, setTab] = useState<string>(DEPLOYMENT_TABS[0]!.id);
  const marked = useRef(false);

  useEffect(() => {
    void (async () => {
      const r = await deploymentIpc.examples();
      if (r.ok) setExamples(r.value);
      else setExamplesError(r.error);
      const launch = await appIpc.launchFile();
      if (launch.ok && launch.value) {
        const file = launch.value.file;
        setView(launch.value);
        setSelection(
          file.startsWith("example:") ? { kind: "example", id: file.slice("example:".length) } : { kind: "file", id: file },
        );
      } else if (!launch.ok) {
        setFailure({ file: "", error: launch.error });
      }
    })();
  }, []);

  // The start screen is interactive once the examples list is on screen; the marker is
  // emitted after the browser has painted that frame.
  useEffect(() => {
    if (marked.current || (examples === null && examplesError === null)) return;
    marked.current = true;
    requestAnimationFrame(() => setTimeout(() => void appIpc.markFirstPaint(), 0));
  }, [examples, examplesError]);

  const show = useCallback(
    (sel: Selection, file: string, r: { ok: true; value: PlaneView } | { ok: false; error: WireError }, text?: OpenedText) => {
      if (r.ok) {
        setView(r.value);
        setSelection(sel);
        setFailure(null);
        setOpenedText(text ?? null);
      } else {
        setFailure({ file, error: r.error });
      }
    },
    [],
  );

  const onEdit = useCallback(
    async (text: string): Promise<WireError | null> => {
      if (!view) return null;
      const r = await deploymentIpc.openText(view.file, text);
      if (!r.ok) return r.error;
      setView(r.value);
      setOpenedText({ file: r.value.file, text });
      return null;
    },
    [view],
  );

  const current = PAGES.find((p) => p.id === page);
  const activeTab = DEPLOYMENT_TABS.find((x) => x.id === tab) ?? DEPLOYMENT_TABS[0]!;

  return (
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
            openedText={openedText}
            onOpened={show}
            onKept={(sel) => setSelection(sel)}
          />
          <main className="main" aria-live="polite">
            {failure && <OpenErrors failure={failure} onDismiss={() => setFailure(null)} />}
            {view ? (
              <>
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
                  {activeTab.render({
                    view,
                    text: openedText?.file === view.file ? openedText.text : null,
                    examples,
                    onEdit,
                  })}
                </div>
              </>
            ) : (
              <section className="empty" aria-labelledby="empty-title">
                <h2 id="empty-title">{t("empty.title")}</h2>
                <p>{t("empty.body")}</p>
              </section>
            )}
          </main>
        </div>
      )}
    </div>
  );
}
