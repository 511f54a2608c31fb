// Benchmarks: mirrors src-tauri/src/commands/bench.rs. A latency or quality run streams its
// progress through a Tauri Channel; cancelling it keeps what it measured or graded.
import { Channel } from "@tauri-apps/api/core";

import { commands } from "./bindings";
import type {
  CandidateView,
  ChartView,
  LatencyForm_Deserialize as LatencyForm,
  LatencyOutcome,
  PriceForm,
  ProgressView_Deserialize as ProgressView,
  QualityComparisonView_Serialize as QualityComparisonView,
  QualityForm_Deserialize as QualityForm,
  QualityOutcome,
  QualityProgressView,
  RunRowView_Serialize as RunRowView,
  RunView_Serialize as RunView,
  SuiteView_Serialize as SuiteView,
} from "./bindings";
import { outcome, type Outcome } from "./result";

export type {
  CandidateView,
  ChartView,
  LatencyForm,
  LatencyOutcome,
  PriceForm,
  ProgressView,
  QualityComparisonView,
  QualityForm,
  QualityOutcome,
  QualityProgressView,
  RunRowView,
  RunView,
  SuiteView,
};
export type {
  FigureView_Serialize as FigureView,
  RateView_Serialize as RateView,
  KeySource,
  LoadForm,
  QualityFiguresView_Serialize as QualityFiguresView,
  QualityComparedRunView_Serialize as QualityComparedRunView,
} from "./bindings";

/** Runs a latency benchmark into the app's store; `onProgress` is called live while it runs. */
export function runLatency(form: LatencyForm, onProgress: (p: ProgressView) => void): Promise<Outcome<LatencyOutcome>> {
  const channel = new Channel<ProgressView>();
  channel.onmessage = onProgress;
  return outcome(commands.benchRunLatency(form, channel));
}

/** Cancels the running benchmark; resolves to false when none was running. */
export async function cancel(): Promise<boolean> {
  try {
    return await commands.benchCancel();
  } catch {
    return false;
  }
}

/** Stored runs of every kind, newest first. */
export function runs(): Promise<Outcome<RunRowView[]>> {
  return outcome(commands.benchRuns());
}

/** The candidates of the stored runs, most recently run first. */
export function candidates(): Promise<Outcome<CandidateView[]>> {
  return outcome(commands.benchCandidates());
}

/** One stored run with its figures (recomputed from its samples or verdicts) and charts. */
export function run(id: number): Promise<Outcome<RunView>> {
  return outcome(commands.benchRun(id));
}

/** Charts of several latency runs together: CDFs, and percentiles against the load level. */
export function charts(ids: number[]): Promise<Outcome<ChartView[]>> {
  return outcome(commands.benchCharts(ids));
}

/** The built-in quality suites with their cases. */
export function suites(): Promise<Outcome<SuiteView[]>> {
  return outcome(commands.benchSuites());
}

/** Shows the open dialog for a suite file and loads it; `null` when the user cancelled. */
export function openSuite(): Promise<Outcome<SuiteView | null>> {
  return outcome(commands.benchOpenSuite());
}

/** Runs a quality suite into the app's store; `onProgress` is called after every graded sample. */
export function runQuality(form: QualityForm, onProgress: (p: QualityProgressView) => void): Promise<Outcome<QualityOutcome>> {
  const channel = new Channel<QualityProgressView>();
  channel.onmessage = onProgress;
  return outcome(commands.benchRunQuality(form, channel));
}

/** Quality runs side by side with the charts of `triplane bench compare --charts`. */
export function compare(runs: number[], prices: PriceForm[]): Promise<Outcome<QualityComparisonView>> {
  return outcome(commands.benchCompare(runs, prices));
}
