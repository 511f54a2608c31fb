// API keys in the OS keychain: mirrors src-tauri/src/commands/settings.rs. A stored key comes
// back masked only.
import { commands } from "./bindings";
import type { KeyStatus_Serialize as KeyStatus, KeysOverview_Serialize as KeysOverview } from "./bindings";
import { outcome, type Outcome } from "./result";

export type { KeyRow_Serialize as KeyRow, KeyStatus_Serialize as KeyStatus, KeysOverview_Serialize as KeysOverview } from "./bindings";

export function keys(extra: string[]): Promise<Outcome<KeysOverview>> {
  return outcome(commands.settingsKeys(extra));
}

export function setKey(name: string, secret: string): Promise<Outcome<KeyStatus>> {
  return outcome(commands.settingsSetKey(name, secret));
}

export function deleteKey(name: string): Promise<Outcome<KeyStatus>> {
  return outcome(commands.settingsDeleteKey(name));
}
