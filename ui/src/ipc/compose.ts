// The composition editor: mirrors src-tauri/src/commands/compose.rs. Each edit sends the
// deployment text and gets the edited text back with `triplane check`'s diagnostics on it.
import { commands } from "./bindings";
import type { ComposeEdit_Deserialize as ComposeEdit, Composition_Serialize as Composition } from "./bindings";
import { outcome, type Outcome } from "./result";

// What the app sends is the `_Deserialize` side of an edit; what it gets is `_Serialize`.
export type {
  ComposeEdit_Deserialize as ComposeEdit,
  ComposeField,
  ComposeLane,
  ComposeSection,
  Composition_Serialize as Composition,
  ComposeView_Serialize as ComposeView,
  ComposeComponent_Serialize as ComposeComponent,
  ComposeLink,
  ComposeChoice,
} from "./bindings";

/** `text` when the app holds it; else the bundled text of `file` (`example:ID`). */
export function open(file: string, text: string | null): Promise<Outcome<Composition>> {
  return outcome(commands.composeOpen(file, text));
}

/** One edit to `text`; a refused edit is an `invalid` error and the text stays as it was. */
export function apply(file: string, text: string, edit: ComposeEdit): Promise<Outcome<Composition>> {
  return outcome(commands.composeApply(file, text, edit));
}
