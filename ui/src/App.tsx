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
import { PlaneLanes } from "./views/PlaneLanes";
import { Simulation } from "./views/Simulation";
import { Compare } from "./views/Compare";

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

  return (
    <div className="app">
      <Header />
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
            <div key={`${view.file}@${view.hash}`}>
              <PlaneLanes view={view} />
              {/* A project's text stays in the store, so only examples and picked files can
                  be simulated for now. FIXME: send a project's revision text too. */}
              <Simulation file={view.file} text={openedText?.file === view.file ? openedText.text : null} />
              {examples && (
                <Compare
                  examples={examples}
                  current={view.file.startsWith("example:") ? view.file.slice("example:".length) : null}
                />
              )}
            </div>
          ) : (
            <section className="empty" aria-labelledby="empty-title">
              <h2 id="empty-title">{t("empty.title")}</h2>
              <p>{t("empty.body")}</p>
            </section>
          )}
        </main>
      </div>
    </div>
  );
}
