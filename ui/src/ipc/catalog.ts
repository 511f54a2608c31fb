// The catalog: mirrors src-tauri/src/commands/catalog.rs.
import { commands } from "./bindings";
import type { CatalogEntry } from "./bindings";
import { outcome, type Outcome } from "./result";

export type { CatalogEntry } from "./bindings";

export function search(query: string | null): Promise<Outcome<CatalogEntry[]>> {
  return outcome(commands.catalogSearch(query));
}
