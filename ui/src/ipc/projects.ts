// The user's projects: mirrors src-tauri/src/commands/projects.rs.
import { commands } from "./bindings";
import type { PlaneView_Serialize as PlaneView, ProjectSummary_Serialize as ProjectSummary } from "./bindings";
import { outcome, type Outcome } from "./result";

export type { ProjectSummary_Serialize as ProjectSummary } from "./bindings";

export function list(): Promise<Outcome<ProjectSummary[]>> {
  return outcome(commands.projectsList());
}

export function open(id: number): Promise<Outcome<PlaneView>> {
  return outcome(commands.projectsOpen(id));
}

export function create(name: string, file: string, text: string): Promise<Outcome<ProjectSummary>> {
  return outcome(commands.projectsCreate(name, file, text));
}
