// The deployments the user can open: bundled examples, their projects (with the store's
// refusals shown as messages, and a retry when the database is locked), and a file.
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import type { ExampleSummary } from "../ipc/deployment";
import * as projectsIpc from "../ipc/projects";
import type { ProjectSummary } from "../ipc/projects";
import type { WireError } from "../ipc/result";

export type Selection = { kind: "example" | "project" | "file"; id: string };

type Props = {
  examples: ExampleSummary[] | null;
  examplesError: WireError | null;
  selection: Selection | null;
  /** Bumped when a save may have added a project or a revision. */
  projectsVersion: number;
  onExample: (id: string) => void;
  onProject: (id: number, name: string) => void;
  /** Shows the native open dialog (from the Rust side). */
  onOpenFile: () => void;
  onNew: () => void;
};

export function Sidebar({ examples, examplesError, selection, projectsVersion, onExample, onProject, onOpenFile, onNew }: Props) {
  const { t } = useTranslation();
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

  useEffect(() => void loadProjects(), [loadProjects, projectsVersion]);

  const isSelected = (kind: Selection["kind"], id: string) =>
    selection?.kind === kind && selection.id === id;

  return (
    <nav className="sidebar" aria-label={t("sidebar.label")}>
      <section className="open-file">
        <button type="button" className="secondary" data-testid="open-file" onClick={onOpenFile}>
          {t("sidebar.openFile")}
        </button>
        <button type="button" className="secondary" data-testid="new-deployment" onClick={onNew}>
          {t("sidebar.newDeployment")}
        </button>
      </section>

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
                onClick={() => onExample(ex.id)}
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
            {t("files.noProjects")}
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
                  title={p.name}
                  onClick={() => onProject(p.id, p.name)}
                >
                  <span className="item-name">{shortName(p.name)}</span>
                  <span className="item-id">{t("sidebar.revisions", { count: p.revisions })}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </nav>
  );
}

/** A project that follows a file is named by its path; the list shows the file's name. */
function shortName(name: string): string {
  return name.startsWith("/") ? (name.split("/").pop() ?? name) : name;
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
