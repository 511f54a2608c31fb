// Where every view of the app is declared. Two kinds:
// - deployment tabs work on the deployment open in the sidebar (overview, simulation, …);
// - pages stand on their own (benchmarks, quality, settings) and are reached from the header.
// A view adds one entry here and owns its own file and its own i18n files
// (`i18n/en/<view>.json`, `i18n/fr/<view>.json`).
import type { ReactNode } from "react";

import type { ExampleSummary, PlaneView } from "../ipc/deployment";
import type { WireError } from "../ipc/result";
import { PlaneLanes } from "./PlaneLanes";
import { Simulation } from "./Simulation";
import { Compare } from "./Compare";
import { Benchmarks } from "./benchmarks/Benchmarks";
import { Compose } from "./compose/Compose";
import { Export } from "./Export";
import { History } from "./History";
import { Settings } from "./Settings";

/** What a deployment tab is given: the open deployment and what the app knows about it. */
export type DeploymentContext = {
  /** The resolved view of the open deployment (`view.file` names it: `example:ID`, a path or a project). */
  view: PlaneView;
  /** The deployment's YAML when the app holds it (a picked file); `null` for examples. */
  text: string | null;
  /** The bundled examples, once listed. */
  examples: ExampleSummary[] | null;
  /**
   * Replaces the open deployment's YAML with an edited one: the app resolves it again, shows
   * it, and holds it as the open text (so Simulation and Export see the edit). Resolves to
   * the wire error when the text does not resolve; the view then stays as it was.
   */
  onEdit: (text: string) => Promise<WireError | null>;
};

export type DeploymentTab = {
  id: string;
  /** i18n key of the tab's label. */
  label: string;
  render: (ctx: DeploymentContext) => ReactNode;
};

export type Page = {
  id: string;
  /** i18n key of the header button's label. */
  label: string;
  render: () => ReactNode;
};

export const DEPLOYMENT_TABS: DeploymentTab[] = [
  { id: "overview", label: "tabs.overview", render: (c) => <PlaneLanes view={c.view} /> },
  { id: "compose", label: "compose.tab", render: (c) => <Compose ctx={c} /> },
  {
    id: "simulation",
    label: "tabs.simulation",
    render: (c) => <Simulation file={c.view.file} hash={c.view.hash} text={c.text} />,
  },
  {
    id: "compare",
    label: "tabs.compare",
    render: (c) =>
      c.examples && (
<Compare examples={c.examples} file={c.view.file} hash={c.view.hash} text={c.text} />
      ),
  },
  { id: "export", label: "export.tab", render: (c) => <Export file={c.view.file} text={c.text} /> },
  { id: "history", label: "history.tab", render: () => <History /> },
];

export const PAGES: Page[] = [
  { id: "benchmarks", label: "bench.page", render: () => <Benchmarks /> },
  { id: "settings", label: "settings.page", render: () => <Settings /> },
];
