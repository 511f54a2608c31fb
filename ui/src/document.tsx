// The deployment the app holds, as views other than the tabs' own context need it: where it
// came from (a file handle, a project, an example), its text and what was last saved, and the
// actions that save it. App.tsx provides it; History, Compare and the file bar read it.
import { createContext, useContext } from "react";

import type { Origin } from "./ipc/files";
import type { WireError } from "./ipc/result";

export type Doc = {
  origin: Origin;
  /** The name shown: the file's name, the project's or the example's ID. */
  name: string;
  /** The file's path, for a file. */
  path: string | null;
  /** The project keeping this deployment's revisions, once known. */
  projectId: number | null;
  /** The text as last opened or saved; what "unsaved changes" compares with. */
  savedText: string | null;
  /** The text the app holds now. */
  text: string | null;
};

export type DocumentApi = {
  doc: Doc | null;
  /**
   * Saves where the deployment came from (a Save as for an example); resolves to the error.
   * `text`, when given, is saved instead of the held text (a restore saves what it just set).
   */
  save: (message?: string, text?: string) => Promise<WireError | null>;
  /** The native save dialog, then a save there; resolves to the error (none when cancelled). */
  saveAs: (message?: string, text?: string) => Promise<WireError | null>;
  /** Replaces the held text (resolved first; the error when it does not resolve). */
  setText: (text: string) => Promise<WireError | null>;
  /** Bumped on every save, so the History tab reloads its list. */
  saves: number;
  /** Examples the Compare tab starts with and runs at once (the start screen's demo). */
  comparePreset: string[] | null;
};

export const DocumentContext = createContext<DocumentApi | null>(null);

export function useDocument(): DocumentApi | null {
  return useContext(DocumentContext);
}

export function isDirty(doc: Doc | null): boolean {
  return !!doc && doc.text !== null && doc.text !== doc.savedText;
}

/** The key of a document's autosave, as the Rust side builds it (for comparisons only). */
export function originKey(o: Origin): string {
  return o.kind === "file" ? `file#${o.handle}` : o.kind === "new" ? "new" : `${o.kind}:${o.id}`;
}
