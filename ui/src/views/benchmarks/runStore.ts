// The benchmark the page started (latency or quality), kept outside the page component: leaving
// the page and coming back shows the run's live progress and its end (the run itself goes on in
// Rust either way). The forms are kept here too, so what the user typed survives the round trip.
import { useSyncExternalStore } from "react";

import * as benchIpc from "../../ipc/bench";
import type { LatencyForm, ProgressView, QualityForm, QualityProgressView } from "../../ipc/bench";
import type { WireError } from "../../ipc/result";
import { EMPTY_QUALITY_FORM, type QualityFormState } from "./QualityForm";
import { EMPTY_FORM, type FormState } from "./RunForm";

export type RunKind = "latency" | "quality";

/** What a run stored: one run, or one per level of a sweep, and the status of the last. */
export type RunEnd = { kind: RunKind; runIds: number[]; status: string };

export type RunState = {
  /** The form shown. */
  kind: RunKind;
  form: FormState;
  qualityForm: QualityFormState;
  /** The kind of the run going on or last run. */
  runKind: RunKind;
  running: boolean;
  cancelling: boolean;
  progress: ProgressView | null;
  qualityProgress: QualityProgressView | null;
  error: WireError | null;
  done: RunEnd | null;
  /** How many runs ended since the app started; a page reloads its lists when it changes. */
  finished: number;
};

let state: RunState = {
  kind: "latency",
  form: EMPTY_FORM,
  qualityForm: EMPTY_QUALITY_FORM,
  runKind: "latency",
  running: false,
  cancelling: false,
  progress: null,
  qualityProgress: null,
  error: null,
  done: null,
  finished: 0,
};
const listeners = new Set<() => void>();

function update(patch: Partial<RunState>) {
  state = { ...state, ...patch };
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useRunState(): RunState {
  return useSyncExternalStore(subscribe, () => state);
}

export function setKind(kind: RunKind) {
  update({ kind });
}

export function setForm(form: FormState) {
  update({ form });
}

export function setQualityForm(qualityForm: QualityFormState) {
  update({ qualityForm });
}

const starting = (runKind: RunKind): Partial<RunState> => ({
  runKind,
  running: true,
  cancelling: false,
  progress: null,
  qualityProgress: null,
  error: null,
  done: null,
});

/** Starts a latency run with live progress; resolves when it has ended (completed, cancelled or refused). */
export async function start(form: LatencyForm): Promise<void> {
  if (state.running) return;
  update(starting("latency"));
  const r = await benchIpc.runLatency(form, (progress) => update({ progress }));
  update({
    running: false,
    cancelling: false,
    error: r.ok ? null : r.error,
    done: r.ok ? { kind: "latency", runIds: r.value.runIds, status: r.value.status } : null,
    finished: state.finished + 1,
  });
}

/** Starts a quality run with live progress; resolves when it has ended. */
export async function startQuality(form: QualityForm): Promise<void> {
  if (state.running) return;
  update(starting("quality"));
  const r = await benchIpc.runQuality(form, (qualityProgress) => update({ qualityProgress }));
  update({
    running: false,
    cancelling: false,
    error: r.ok ? null : r.error,
    done: r.ok ? { kind: "quality", runIds: [r.value.runId], status: r.value.status } : null,
    finished: state.finished + 1,
  });
}

export async function cancel(): Promise<void> {
  update({ cancelling: true });
  await benchIpc.cancel();
}
