// The latency run the page started, kept outside the page component: leaving the page and
// coming back shows the run's live progress and its end (the run itself goes on in Rust
// either way). The form is kept here too, so what the user typed survives the round trip.
import { useSyncExternalStore } from "react";

import * as benchIpc from "../../ipc/bench";
import type { LatencyForm, LatencyOutcome, ProgressView } from "../../ipc/bench";
import type { WireError } from "../../ipc/result";
import { EMPTY_FORM, type FormState } from "./RunForm";

export type RunState = {
  form: FormState;
  running: boolean;
  cancelling: boolean;
  progress: ProgressView | null;
  error: WireError | null;
  done: LatencyOutcome | null;
  /** How many runs ended since the app started; a page reloads its lists when it changes. */
  finished: number;
};

let state: RunState = {
  form: EMPTY_FORM,
  running: false,
  cancelling: false,
  progress: null,
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

export function setForm(form: FormState) {
  update({ form });
}

/** Starts a run with live progress; resolves when it has ended (completed, cancelled or refused). */
export async function start(form: LatencyForm): Promise<void> {
  if (state.running) return;
  update({ running: true, cancelling: false, progress: null, error: null, done: null });
  const r = await benchIpc.runLatency(form, (progress) => update({ progress }));
  update({
    running: false,
    cancelling: false,
    error: r.ok ? null : r.error,
    done: r.ok ? r.value : null,
    finished: state.finished + 1,
  });
}

export async function cancel(): Promise<void> {
  update({ cancelling: true });
  await benchIpc.cancel();
}
