// Simulation: mirrors src-tauri/src/commands/simulation.rs.
import { commands } from "./bindings";
import type { ComparisonView, SimulationView } from "./bindings";
import { outcome, type Outcome } from "./result";

export type { SimulationView, PlaneScoreView, ViolationView } from "./bindings";

/**
 * Simulates the open deployment for one day: `text` is the deployment text the view holds (a
 * picked file); without it `file` must be `example:ID`.
 */
export function run(file: string, text: string | null, seed: number): Promise<Outcome<SimulationView>> {
  return outcome(commands.simulationRun(file, text, seed));
}

export type { ComparisonView, VariantView } from "./bindings";

/** Simulates two to four bundled examples, by ID, with the same seed. */
export function compare(ids: string[], seed: number): Promise<Outcome<ComparisonView>> {
  return outcome(commands.simulationCompare(ids, seed));
}
