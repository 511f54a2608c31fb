// The app itself: mirrors src-tauri/src/commands/app.rs.
import { commands } from "./bindings";
import type { PlaneView_Serialize as PlaneView } from "./bindings";
import { outcome, type Outcome } from "./result";

/** The deployment named on the command line, if any. */
export function launchFile(): Promise<Outcome<PlaneView | null>> {
  return outcome(commands.appLaunchFile());
}

/**
 * Emits the first-interactive-paint marker: on the console, on the document (for WebDriver),
 * and to the app, which prints it with its own clock for start-up measurements.
 */
export async function markFirstPaint(): Promise<void> {
  const uiMs = performance.now();
  document.documentElement.dataset.firstInteractivePaint = uiMs.toFixed(1);
  console.info(`triplane: first-interactive-paint ui_ms=${uiMs.toFixed(1)}`);
  try {
    await commands.appMarkFirstPaint(uiMs);
  } catch (e) {
    console.warn("triplane: the first-paint marker did not reach the app", e);
  }
}
