// The revisions of a project: mirrors src-tauri/src/commands/history.rs.
import { commands } from "./bindings";
import type {
  DiffView_Serialize as DiffView,
  ProjectText_Serialize as ProjectText,
  RevisionView_Serialize as RevisionView,
} from "./bindings";
import { outcome, type Outcome } from "./result";

export type {
  DiffLine_Serialize as DiffLine,
  DiffView_Serialize as DiffView,
  ProjectText_Serialize as ProjectText,
  RevisionView_Serialize as RevisionView,
} from "./bindings";

/** The newest first. */
export function revisions(project: number): Promise<Outcome<RevisionView[]>> {
  return outcome(commands.historyRevisions(project));
}

export function diff(from: number, to: number): Promise<Outcome<DiffView>> {
  return outcome(commands.historyDiff(from, to));
}

export function revisionText(revision: number): Promise<Outcome<string>> {
  return outcome(commands.historyRevisionText(revision));
}

export function openProject(project: number): Promise<Outcome<ProjectText>> {
  return outcome(commands.historyOpenProject(project));
}

/** A new revision of a project kept in the store only; `null` when nothing changed. */
export function saveProject(project: number, text: string, message: string | null): Promise<Outcome<RevisionView | null>> {
  return outcome(commands.historySaveProject(project, text, message));
}
