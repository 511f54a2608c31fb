// Simulation: mirrors src-tauri/src/commands/simulation.rs. A run streams its progress through
// a Tauri Channel and can be cancelled; nothing of a cancelled run is kept.
import { Channel } from "@tauri-apps/api/core";

import { commands } from "./bindings";
import type {
  CompareRequest_Deserialize as CompareRequest,
  ComparisonView,
  SimulationOutcome,
  SimulationProgress,
  SimulationRequest_Deserialize as SimulationRequest,
} from "./bindings";
import { outcome, type Outcome } from "./result";

export type { SimulationView, PlaneScoreView, ViolationView } from "./bindings";
export type { SessionView, SessionHopView, LaneView } from "./bindings";
export type { SimulationOutcome, SimulationProgress, SimulationRequest };

/**
 * Simulates the open deployment: `file` is `example:ID`, `project:NAME` (with the `hash` of the
 * revision on screen) or a name for `text`, the deployment text the view holds. The report
 * comes with its representative session; `onProgress` is called while it runs.
 */
export function run(
  request: SimulationRequest,
  onProgress: (p: SimulationProgress) => void,
): Promise<Outcome<SimulationOutcome>> {
  const channel = new Channel<SimulationProgress>();
  channel.onmessage = onProgress;
  return outcome(commands.simulationRun(request, channel));
}

/** Cancels the running simulation; resolves to false when none was running. */
export async function cancel(): Promise<boolean> {
  try {
    return await commands.simulationCancel();
  } catch {
    return false;
  }
}

export type { ComparisonView, VariantView } from "./bindings";
export type { CompareRequest };

/**
 * Simulates the open deployment (named as for `run`) beside one to three bundled examples, by
 * ID, with the same seed for one day; the open deployment is the first variant.
 */
export function compare(request: CompareRequest): Promise<Outcome<ComparisonView>> {
  return outcome(commands.simulationCompare(request));
}
