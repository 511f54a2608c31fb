// Export: mirrors src-tauri/src/commands/export.rs. The signing key crosses as a path only;
// Rust reads it and never sends it back.
import { commands } from "./bindings";
import type { BundlePreview, ExportDone_Serialize as ExportDone } from "./bindings";
import { outcome, type Outcome } from "./result";

// What the app sends is the `_Serialize` side of each generated type.
export type {
  BundlePreview,
  BundleFileView,
  ExportDone_Serialize as ExportDone,
  VerifyView_Serialize as VerifyView,
} from "./bindings";

/**
 * The unsigned bundle of the open deployment, every file with its text: `text` is the YAML
 * the app holds (a picked file, an edit); without it `file` must be `example:ID`.
 */
export function preview(file: string, text: string | null): Promise<Outcome<BundlePreview>> {
  return outcome(commands.exportPreview(file, text));
}

/** The secret key `triplane keygen` writes by default, when it exists. */
export async function defaultKey(): Promise<string | null> {
  try {
    return await commands.exportDefaultKey();
  } catch {
    return null;
  }
}

/**
 * Shows the native dialog for the bundle's target: a folder, or with `archive` a `.tar.gz`
 * named after `suggested`. The picked path, or `null` when the user cancelled.
 */
export function pickTarget(archive: boolean, suggested: string): Promise<Outcome<string | null>> {
  return outcome(commands.exportPickTarget(archive, suggested));
}

/**
 * Writes the bundle to `out` (a new or empty folder, or a new `.tar.gz`), signed with `key`,
 * and verifies what was written (`done.verify`).
 */
export function write(
  file: string,
  text: string | null,
  out: string,
  archive: boolean,
  key: string | null,
): Promise<Outcome<ExportDone>> {
  return outcome(commands.exportWrite(file, text, out, archive, key));
}
