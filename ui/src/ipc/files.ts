// Deployment files on disk and the autosaves of unsaved work: mirrors
// src-tauri/src/commands/files.rs. Dialogs are shown by the Rust side; the web side receives
// what the user picked and holds a handle, never a path it could name.
import { commands } from "./bindings";
import type {
  AutosaveView,
  OpenedFile_Serialize as OpenedFile,
  Origin,
  ResumedWork_Serialize as ResumedWork,
  SavedFile_Serialize as SavedFile,
} from "./bindings";
import { outcome, type Outcome } from "./result";

export type {
  AutosaveView,
  OpenedFile_Serialize as OpenedFile,
  Origin,
  ResumedWork_Serialize as ResumedWork,
  SavedFile_Serialize as SavedFile,
} from "./bindings";

/** The native open dialog; `null` when the user cancelled. */
export function openDialog(): Promise<Outcome<OpenedFile | null>> {
  return outcome(commands.filesOpenDialog());
}

/** Writes `text` over the open file `handle`; refused (nothing written) when it changed. */
export function save(handle: number, text: string, message: string | null): Promise<Outcome<SavedFile>> {
  return outcome(commands.filesSave(handle, text, message));
}

/**
 * The native save dialog; `null` when the user cancelled. `origin` is where the work came from
 * (an example, a new deployment): its autosave goes once the file is written.
 */
export function saveAsDialog(
  suggested: string,
  text: string,
  message: string | null,
  origin: Origin | null,
): Promise<Outcome<SavedFile | null>> {
  return outcome(commands.filesSaveAsDialog(suggested, text, message, origin));
}

/** The file named on the command line, when it is a path. */
export function launch(): Promise<Outcome<OpenedFile | null>> {
  return outcome(commands.filesLaunch());
}

export function autosave(origin: Origin, name: string, text: string): Promise<Outcome<null>> {
  return outcome(commands.filesAutosave(origin, name, text));
}

export function autosaves(): Promise<Outcome<AutosaveView[]>> {
  return outcome(commands.filesAutosaves());
}

export function resume(source: string): Promise<Outcome<ResumedWork>> {
  return outcome(commands.filesResumeAutosave(source));
}

export function discard(source: string): Promise<Outcome<null>> {
  return outcome(commands.filesDiscardAutosave(source));
}

export function exampleText(id: string): Promise<Outcome<string>> {
  return outcome(commands.filesExampleText(id));
}
