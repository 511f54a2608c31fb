// Deployments: mirrors src-tauri/src/commands/deployment.rs.
import { commands } from "./bindings";
import type {
  ExampleSummary_Serialize as ExampleSummary,
  NewDeployment_Serialize as NewDeployment,
  PlaneView_Serialize as PlaneView,
} from "./bindings";
import { outcome, type Outcome } from "./result";

export type {
  ExampleSummary_Serialize as ExampleSummary,
  PlaneView_Serialize as PlaneView,
  ComponentView_Serialize as ComponentView,
  ChainEntityView_Serialize as ChainEntityView,
  ExposureView,
  ExposureStatusView,
  NewDeployment_Serialize as NewDeployment,
  Lane,
  VisibilityView,
} from "./bindings";

export function examples(): Promise<Outcome<ExampleSummary[]>> {
  return outcome(commands.deploymentExamples());
}

export function openExample(id: string): Promise<Outcome<PlaneView>> {
  return outcome(commands.deploymentOpenExample(id));
}

/** A new deployment (the user's organisation, premises and users), with its text and view. */
export function newDeployment(): Promise<Outcome<NewDeployment>> {
  return outcome(commands.deploymentNew());
}

/** Resolves text the user picked with the file input; the file name appears in errors. */
export function openText(name: string, text: string): Promise<Outcome<PlaneView>> {
  return outcome(commands.deploymentOpenText(name, text));
}
