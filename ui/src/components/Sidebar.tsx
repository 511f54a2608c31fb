// The deployments the user can open: bundled examples, their projects (with the store's
// refusals shown as messages, and a retry when the database is locked), and a file.
import { useCallback, useEffect, useRef, useState, type ChangeEvent } from "react";
import { useTranslation } from "react-i18next";

import * as deploymentIpc from "../ipc/deployment";
import type { ExampleSummary, PlaneView } from "../ipc/deployment";
import * as projectsIpc from "../ipc/projects";
import type { ProjectSummary } from "../ipc/projects";
import type { Outcome, WireError } from "../ipc/result";
import type { OpenedText } from "../App";

export type Selection = { kind: "example" | "project" | "file"; id: string };

type Props = {
  examples: ExampleSummary[] | null;
  examplesError: WireError | null;
  selection: Selection | null;
  openedText: OpenedText | null;
  onOpened: (sel: Selection, file: string, r: Outcome<PlaneView>, text?: OpenedText) => void;
  onKept: (sel: Selection) => void;
};

export function Sidebar({ examples, examplesError, selection, openedText, onOpened, onKept }: Props) {
  const { t } = useTranslation();
  const fileInput = useRef<HTMLInputElement>(null);
  const [projects, setProjects] = useState<ProjectSummary[] | null>(null);
  const [projectsError, setProjectsError] = useState<WireError | null>(null);
  const [loadingProjects, setLoadingProjects] = useState(false);

  const loadProjects = useCallback(async () => {
    setLoadingProjects(true);
    const r = await projectsIpc.list();
    setLoadingProjects(false);
    if (r.ok) {
      setProjects(r.value);
      setProjectsError(null);
    } else {
      setProjectsError(r.error);
    }
  }, []);

  useEffect(() => void loadProjects(), [loadProjects]);

  const isSelected = (kind: Selection["kind"], id: string) =>
    selection?.kind === kind && selection.id === id;

  async function openFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    const text = await file.text();
    const r = await deploymentIpc.openText(file.name, text);
    onOpened({ kind: "file", id: file.name }, file.name, r, { file: file.name, text });
  }

  return (
    <nav className="sidebar" aria-label={t("sidebar.label")}>
      <section aria-labelledby="examples-title">
        <h2 id="examples-title">{t("sidebar.examples")}</h2>
        {examples === null && !examplesError && <p className="muted">{t("sidebar.loading")}</p>}
        {examplesError && <p className="store-message error">{examplesError.message}</p>}
        <ul className="items" data-testid="examples">
          {examples?.map((ex) => (
            <li key={ex.id}>
              <button
                type="button"
                className="item"
                data-example={ex.id}
                aria-current={isSelected("example", ex.id) ? "true" : undefined}
                title={ex.description ?? undefined}
                onClick={async () =>
                  onOpened({ kind: "example", id: ex.id }, `example:${ex.id}`, await deploymentIpc.openExample(ex.id))
                }
              >
                <span className="item-name">{ex.name}</span>
                <span className="item-id">{ex.id}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="projects-title">
        <h2 id="projects-title">{t("sidebar.projects")}</h2>
        {projectsError ? (
          <StoreMessage error={projectsError} retrying={loadingProjects} onRetry={() => void loadProjects()} />
        ) : projects === null ? (
          <p className="muted">{t("sidebar.loading")}</p>
        ) : projects.length === 0 ? (
          <p className="muted" data-testid="no-projects">
            {t("sidebar.noProjects")}
          </p>
        ) : (
          <ul className="items" data-testid="projects">
            {projects.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  className="item"
                  data-project={p.id}
                  aria-current={isSelected("project", String(p.id)) ? "true" : undefined}
                  onClick={async () =>
                    onOpened({ kind: "project", id: String(p.id) }, p.name, await projectsIpc.open(p.id))
                  }
                >
                  <span className="item-name">{p.name}</span>
                  <span className="item-id">{t("sidebar.revisions", { count: p.revisions })}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {openedText && !projectsError && (
          <KeepAsProject
            opened={openedText}
            onKept={async (p) => {
              await loadProjects();
              onKept({ kind: "project", id: String(p.id) });
            }}
          />
        )}
      </section>

      <section className="open-file">
        <input
          ref={fileInput}
          id="open-file-input"
          type="file"
          accept=".yaml,.yml"
          className="visually-hidden"
          tabIndex={-1}
          onChange={(e) => void openFile(e)}
        />
        <button type="button" className="secondary" data-testid="open-file" onClick={() => fileInput.current?.click()}>
          {t("sidebar.openFile")}
        </button>
      </section>
    </nav>
  );
}

/** A store refusal: newer database (left untouched), locked (retry), or another failure. */
function StoreMessage({ error, retrying, onRetry }: { error: WireError; retrying: boolean; onRetry: () => void }) {
  const { t } = useTranslation();
  const text =
    error.code === "newer-database" ? t("store.newerDatabase") : error.code === "busy" ? t("store.busy") : t("store.failed");
  return (
    <div className="store-message" role="alert" data-store-error={error.code}>
      <p>{text}</p>
      <p className="detail">
        <code>{error.message}</code>
      </p>
      {error.code !== "newer-database" && (
        <button type="button" className="secondary" data-testid="retry-projects" disabled={retrying} onClick={onRetry}>
          {retrying ? t("store.retrying") : t("store.retry")}
        </button>
      )}
    </div>
  );
}

function KeepAsProject({ opened, onKept }: { opened: OpenedText; onKept: (p: ProjectSummary) => Promise<void> }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(opened.file.replace(/\.ya?ml$/i, ""));
  const [error, setError] = useState<WireError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  if (!editing) {
    return (
      <div className="keep">
        {saved && <p className="muted">{t("keep.saved", { name: saved })}</p>}
        {!saved && (
          <button type="button" className="secondary" onClick={() => setEditing(true)}>
            {t("keep.button")}
          </button>
        )}
      </div>
    );
  }
  return (
    <form
      className="keep"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await projectsIpc.create(name, opened.file, opened.text);
        if (r.ok) {
          setSaved(r.value.name);
          setEditing(false);
          setError(null);
          await onKept(r.value);
        } else {
          setError(r.error);
        }
      }}
    >
      <label>
        {t("keep.name")}
        <input value={name} onChange={(e) => setName(e.target.value)} autoFocus required />
      </label>
      {error && (
        <p className="store-message error" role="alert">
          {error.message}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary">
          {t("keep.save")}
        </button>
        <button type="button" className="ghost" onClick={() => setEditing(false)}>
          {t("keep.cancel")}
        </button>
      </div>
    </form>
  );
}
