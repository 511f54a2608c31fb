// The latency run form: endpoint, protocol, model, candidate, load, end, and where the API key
// comes from (a keychain entry or a variable name; the key itself is never typed here).
import { useState } from "react";
import { useTranslation } from "react-i18next";

import type { KeySource, LatencyForm, LoadForm } from "../../ipc/bench";

export type FormState = {
  endpoint: string;
  api: "openai" | "anthropic" | "ollama";
  model: string;
  candidate: string;
  loadKind: "concurrency" | "rate" | "sweep";
  concurrency: string;
  rate: string;
  poisson: boolean;
  sweepMax: string;
  requests: string;
  duration: string;
  maxTokens: string;
  keyKind: KeySource["kind"];
  keyName: string;
};

export const EMPTY_FORM: FormState = {
  endpoint: "http://127.0.0.1:8080/v1",
  api: "openai",
  model: "",
  candidate: "",
  loadKind: "concurrency",
  concurrency: "1",
  rate: "2",
  poisson: false,
  sweepMax: "8",
  requests: "20",
  duration: "",
  maxTokens: "64",
  keyKind: "none",
  keyName: "",
};

/** Whole numbers ≥ 1, or positive decimals; `null` when empty, `NaN` when not a number. */
function num(s: string, whole: boolean): number | null {
  const t = s.trim().replace(",", ".");
  if (t === "") return null;
  const ok = whole ? /^\d+$/.test(t) : /^\d+(\.\d+)?$/.test(t);
  return ok ? Number(t) : NaN;
}

/** The wire form, or the names of the fields that are not numbers. */
export function toWire(f: FormState, t: (k: string) => string): { form: LatencyForm } | { bad: string[] } {
  const bad: string[] = [];
  const check = (label: string, s: string, whole: boolean, required: boolean) => {
    const v = num(s, whole);
    if (Number.isNaN(v) || (required && v === null)) bad.push(t(label));
    return v === null || Number.isNaN(v) ? null : v;
  };
  let load: LoadForm;
  if (f.loadKind === "concurrency") load = { kind: "concurrency", n: check("bench.form.concurrency", f.concurrency, true, true) ?? 1 };
  else if (f.loadKind === "rate") load = { kind: "rate", rate: check("bench.form.rate", f.rate, false, true) ?? 1, poisson: f.poisson };
  else load = { kind: "sweep", max: check("bench.form.sweepMax", f.sweepMax, true, true) ?? 1 };
  const requests = check("bench.form.requests", f.requests, true, false);
  const durationS = check("bench.form.duration", f.duration, false, false);
  const maxTokens = check("bench.form.maxTokens", f.maxTokens, true, false);
  if (bad.length > 0) return { bad };
  const key: KeySource =
    f.keyKind === "keychain" ? { kind: "keychain", name: f.keyName } : f.keyKind === "env" ? { kind: "env", variable: f.keyName } : { kind: "none" };
  return {
    form: { endpoint: f.endpoint, api: f.api, model: f.model, candidate: f.candidate || null, load, requests, durationS, maxTokens, key },
  };
}

type Props = {
  value: FormState;
  onChange: (f: FormState) => void;
  running: boolean;
  cancelling: boolean;
  onRun: () => void;
  onCancel: () => void;
};

export function RunForm({ value: f, onChange, running, cancelling, onRun, onCancel }: Props) {
  const { t } = useTranslation();
  const [bad, setBad] = useState<string[]>([]);
  const set = (patch: Partial<FormState>) => onChange({ ...f, ...patch });
  const field = (name: keyof FormState, label: string, extra: { inputMode?: "numeric" | "decimal"; placeholder?: string } = {}) => (
    <label className="bench-field">
      <span>{t(label)}</span>
      <input
        data-field={name}
        value={String(f[name])}
        disabled={running}
        inputMode={extra.inputMode}
        placeholder={extra.placeholder}
        onChange={(e) => set({ [name]: e.target.value } as Partial<FormState>)}
      />
    </label>
  );

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const w = toWire(f, t);
    if ("bad" in w) {
      setBad(w.bad);
      return;
    }
    setBad([]);
    onRun();
  }

  return (
    <form className="bench-form" data-testid="bench-form" onSubmit={submit} aria-labelledby="bench-form-title">
      <h3 id="bench-form-title">{t("bench.form.title")}</h3>
      <div className="bench-grid">
        {field("endpoint", "bench.form.endpoint")}
        <label className="bench-field">
          <span>{t("bench.form.api")}</span>
          <select data-field="api" value={f.api} disabled={running} onChange={(e) => set({ api: e.target.value as FormState["api"] })}>
            <option value="openai">{t("bench.form.apiOpenai")}</option>
            <option value="anthropic">{t("bench.form.apiAnthropic")}</option>
            <option value="ollama">{t("bench.form.apiOllama")}</option>
          </select>
        </label>
        {field("model", "bench.form.model")}
        {field("candidate", "bench.form.candidate")}
        <label className="bench-field">
          <span>{t("bench.form.load")}</span>
          <select
            data-field="loadKind"
            value={f.loadKind}
            disabled={running}
            onChange={(e) => set({ loadKind: e.target.value as FormState["loadKind"] })}
          >
            <option value="concurrency">{t("bench.form.loadConcurrency")}</option>
            <option value="rate">{t("bench.form.loadRate")}</option>
            <option value="sweep">{t("bench.form.loadSweep")}</option>
          </select>
        </label>
        {f.loadKind === "concurrency" && field("concurrency", "bench.form.concurrency", { inputMode: "numeric" })}
        {f.loadKind === "rate" && (
          <>
            {field("rate", "bench.form.rate", { inputMode: "decimal" })}
            <label className="bench-check">
              <input type="checkbox" data-field="poisson" checked={f.poisson} disabled={running} onChange={(e) => set({ poisson: e.target.checked })} />
              {t("bench.form.poisson")}
            </label>
          </>
        )}
        {f.loadKind === "sweep" && field("sweepMax", "bench.form.sweepMax", { inputMode: "numeric" })}
        {field("requests", "bench.form.requests", { inputMode: "numeric" })}
        {field("duration", "bench.form.duration", { inputMode: "decimal" })}
        {field("maxTokens", "bench.form.maxTokens", { inputMode: "numeric" })}
        <label className="bench-field">
          <span>{t("bench.form.key")}</span>
          <select data-field="keyKind" value={f.keyKind} disabled={running} onChange={(e) => set({ keyKind: e.target.value as FormState["keyKind"] })}>
            <option value="none">{t("bench.form.keyNone")}</option>
            <option value="keychain">{t("bench.form.keyKeychain")}</option>
            <option value="env">{t("bench.form.keyEnv")}</option>
          </select>
        </label>
        {f.keyKind !== "none" && field("keyName", f.keyKind === "env" ? "bench.form.keyVariable" : "bench.form.keyName")}
      </div>
      <p className="muted bench-hint">{t("bench.form.endHint")}</p>
      <p className="muted bench-hint">{t("bench.form.keyHint")}</p>
      {bad.length > 0 && (
        <p className="error-text" role="alert">
          {t("bench.form.badNumber", { field: bad.join(", ") })}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" data-testid="bench-run" disabled={running}>
          {t("bench.form.run")}
        </button>
        <button type="button" className="secondary" data-testid="bench-cancel" disabled={!running || cancelling} onClick={onCancel}>
          {cancelling ? t("bench.form.cancelling") : t("bench.form.cancel")}
        </button>
      </div>
    </form>
  );
}
