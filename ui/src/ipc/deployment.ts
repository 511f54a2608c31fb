// Deployments: mirrors src-tauri/src/commands/deployment.rs.
import { commands } from "./bindings";
import type { ExampleSummary_Serialize as ExampleSummary, PlaneView_Serialize as PlaneView } from "./bindings";
import { outcome, type Outcome } from "./result";

export type {
  ExampleSummary_Serialize as ExampleSummary,
  PlaneView_Serialize as PlaneView,
  ComponentView_Serialize as ComponentView,
  ChainEntityView_Serialize as ChainEntityView,
  ExposureView,
  ExposureStatusView,
  Lane,
  VisibilityView,
} from "./bindings";

export function examples(): Promise<Outcome<ExampleSummary[]>> {
  return outcome(commands.deploymentExamples());
}

export function openExample(id: string): Promise<Outcome<PlaneView>> {
  return outcome(commands.deploymentOpenExample(id));
}

/** Resolves text the user picked with the file input; the file name appears in errors. */
export function openText(name: string, text: string): Promise<Outcome<PlaneView>> {
  return outcome(commands.deploymentOpenText(name, text));
}
