// The quality run form: a built-in suite or a suite file picked in the native dialog, the
// candidate's endpoint, protocol, model and ID, samples per case, an optional subset of cases
// and where the API key comes from: what `triplane bench quality` takes on its command line.
// A suite with judged cases (none of the built-in ones) also takes the judge model's endpoint,
// protocol, model, ID and key source, as `--judge-*` does.
import { useState } from "react";
import { useTranslation } from "react-i18next";

import type { KeySource, QualityForm, SuiteView } from "../../ipc/bench";
import type { WireError } from "../../ipc/result";

type ApiChoice = "openai" | "anthropic" | "ollama";

export type QualityFormState = {
  /** A built-in suite's name, or `file:HANDLE` for a picked file ({@link suiteKey}). */
  suite: string;
  endpoint: string;
  api: ApiChoice;
  model: string;
  candidate: string;
  samples: string;
  cases: string;
  keyKind: KeySource["kind"];
  keyName: string;
  judgeEndpoint: string;
  judgeApi: ApiChoice;
  judgeModel: string;
  judgeCandidate: string;
  judgeKeyKind: KeySource["kind"];
  judgeKeyName: string;
};

export const EMPTY_QUALITY_FORM: QualityFormState = {
  suite: "classification",
  endpoint: "http://127.0.0.1:8080/v1",
  api: "openai",
  model: "",
  candidate: "",
  samples: "1",
  cases: "",
  keyKind: "none",
  keyName: "",
  judgeEndpoint: "",
  judgeApi: "openai",
  judgeModel: "",
  judgeCandidate: "",
  judgeKeyKind: "none",
  judgeKeyName: "",
};

/** How the form names a suite: a built-in one by name, a picked file by its handle. */
export function suiteKey(s: SuiteView): string {
  return s.file === null ? s.name : `file:${s.file}`;
}

/** Case ids as typed: separated by commas, spaces or new lines. */
export function caseIds(s: string): string[] {
  return s.split(/[\s,]+/).filter((c) => c !== "");
}

function keyOf(kind: KeySource["kind"], name: string): KeySource {
  return kind === "keychain" ? { kind: "keychain", name } : kind === "env" ? { kind: "env", variable: name } : { kind: "none" };
}

/** The wire form, or the names of the fields that are not numbers. */
export function toQualityWire(f: QualityFormState, suite: SuiteView, t: (k: string) => string): { form: QualityForm } | { bad: string[] } {
  const s = f.samples.trim();
  if (s !== "" && !/^\d+$/.test(s)) return { bad: [t("bench.qform.samples")] };
  return {
    form: {
      suite: suite.file === null ? { kind: "builtin", name: suite.name } : { kind: "file", handle: suite.file },
      endpoint: f.endpoint,
      api: f.api,
      model: f.model,
      candidate: f.candidate || null,
      samples: s === "" ? null : Number(s),
      cases: caseIds(f.cases),
      key: keyOf(f.keyKind, f.keyName),
      // A judge is sent only for a suite that has judged cases and once its model is named;
      // the core refuses a judged case without one, naming the field.
      judge:
        suite.judged && f.judgeModel.trim() !== ""
          ? {
              endpoint: f.judgeEndpoint,
              api: f.judgeApi,
              model: f.judgeModel,
              candidate: f.judgeCandidate || null,
              key: keyOf(f.judgeKeyKind, f.judgeKeyName),
            }
          : null,
    },
  };
}

type Props = {
  value: QualityFormState;
  suites: SuiteView[];
  onChange: (f: QualityFormState) => void;
  running: boolean;
  cancelling: boolean;
  onRun: (form: QualityForm) => void;
  onCancel: () => void;
  onOpenSuite: () => void;
  /** Why the last suite file could not be opened. */
  suiteError: WireError | null;
};

export function QualityRunForm({ value: f, suites, onChange, running, cancelling, onRun, onCancel, onOpenSuite, suiteError }: Props) {
  const { t } = useTranslation();
  const [bad, setBad] = useState<string[]>([]);
  const set = (patch: Partial<QualityFormState>) => onChange({ ...f, ...patch });
  const suite = suites.find((s) => suiteKey(s) === f.suite);
  const field = (name: keyof QualityFormState, label: string, extra: { inputMode?: "numeric"; placeholder?: string } = {}) => (
    <label className="bench-field">
      <span>{t(label)}</span>
      <input
        data-qfield={name}
        value={String(f[name])}
        disabled={running}
        inputMode={extra.inputMode}
        placeholder={extra.placeholder}
        onChange={(e) => set({ [name]: e.target.value } as Partial<QualityFormState>)}
      />
    </label>
  );
  const apiSelect = (name: "api" | "judgeApi", label: string) => (
    <label className="bench-field">
      <span>{t(label)}</span>
      <select data-qfield={name} value={f[name]} disabled={running} onChange={(e) => set({ [name]: e.target.value as ApiChoice })}>
        <option value="openai">{t("bench.form.apiOpenai")}</option>
        <option value="anthropic">{t("bench.form.apiAnthropic")}</option>
        <option value="ollama">{t("bench.form.apiOllama")}</option>
      </select>
    </label>
  );
  const keySelect = (kind: "keyKind" | "judgeKeyKind", name: "keyName" | "judgeKeyName", label: string) => (
    <>
      <label className="bench-field">
        <span>{t(label)}</span>
        <select data-qfield={kind} value={f[kind]} disabled={running} onChange={(e) => set({ [kind]: e.target.value as KeySource["kind"] })}>
          <option value="none">{t("bench.form.keyNone")}</option>
          <option value="keychain">{t("bench.form.keyKeychain")}</option>
          <option value="env">{t("bench.form.keyEnv")}</option>
        </select>
      </label>
      {f[kind] !== "none" && field(name, f[kind] === "env" ? "bench.form.keyVariable" : "bench.form.keyName")}
    </>
  );

  function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!suite) return;
    const w = toQualityWire(f, suite, t);
    if ("bad" in w) {
      setBad(w.bad);
      return;
    }
    setBad([]);
    onRun(w.form);
  }

  const chosen = caseIds(f.cases).length;
  return (
    <form className="bench-form" data-testid="bench-quality-form" onSubmit={submit} aria-labelledby="bench-qform-title">
      <h3 id="bench-qform-title">{t("bench.qform.title")}</h3>
      <div className="bench-grid">
        <label className="bench-field">
          <span>{t("bench.qform.suite")}</span>
          <select data-qfield="suite" value={f.suite} disabled={running} onChange={(e) => set({ suite: e.target.value, cases: "" })}>
            {suites.map((s) => (
              <option key={suiteKey(s)} value={suiteKey(s)}>
                {s.file === null ? s.name : t("bench.qform.suiteFile", { name: s.name })}
              </option>
            ))}
          </select>
        </label>
        <div className="bench-field bench-open-suite">
          <span aria-hidden="true">&nbsp;</span>
          <button type="button" className="secondary" data-testid="bench-open-suite" disabled={running} onClick={onOpenSuite}>
            {t("bench.qform.openSuite")}
          </button>
        </div>
        {field("endpoint", "bench.form.endpoint")}
        {apiSelect("api", "bench.form.api")}
        {field("model", "bench.form.model")}
        {field("candidate", "bench.form.candidate")}
        {field("samples", "bench.qform.samples", { inputMode: "numeric" })}
        {keySelect("keyKind", "keyName", "bench.form.key")}
      </div>
      {suiteError && (
        <p className="error-text" role="alert" data-testid="bench-suite-error" data-code={suiteError.code}>
          {t("bench.qform.suiteFailed")} {suiteError.message}
        </p>
      )}
      {suite && (
        <p className="muted bench-hint" data-testid="bench-suite-about" data-suite={suiteKey(suite)} data-cases={suite.cases.length}>
          {t("bench.qform.about", { title: suite.title, task: t(`bench.task.${suite.task}`), cases: suite.cases.length })}
        </p>
      )}
      {suite?.judged && (
        <fieldset className="bench-judge" data-testid="bench-judge">
          <legend>{t("bench.qform.judgeTitle")}</legend>
          <p className="muted bench-hint">{t("bench.qform.judged")}</p>
          <div className="bench-grid">
            {field("judgeEndpoint", "bench.form.endpoint")}
            {apiSelect("judgeApi", "bench.form.api")}
            {field("judgeModel", "bench.form.model")}
            {field("judgeCandidate", "bench.form.candidate")}
            {keySelect("judgeKeyKind", "judgeKeyName", "bench.form.key")}
          </div>
        </fieldset>
      )}
      <label className="bench-field bench-cases">
        <span>{t("bench.qform.cases")}</span>
        <input
          data-qfield="cases"
          value={f.cases}
          disabled={running}
          list="bench-case-ids"
          placeholder={t("bench.qform.casesPlaceholder")}
          onChange={(e) => set({ cases: e.target.value })}
        />
        <datalist id="bench-case-ids">
          {suite?.cases.map((c) => (
            <option key={c.id} value={c.id}>
              {c.language}
            </option>
          ))}
        </datalist>
      </label>
      <p className="muted bench-hint">
        {chosen === 0 ? t("bench.qform.allCases", { cases: suite?.cases.length ?? 0 }) : t("bench.qform.someCases", { count: chosen })}
      </p>
      <p className="muted bench-hint">{t("bench.form.keyHint")}</p>
      {bad.length > 0 && (
        <p className="error-text" role="alert">
          {t("bench.form.badNumber", { field: bad.join(", ") })}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" data-testid="bench-quality-run" disabled={running || !suite}>
          {t("bench.qform.run")}
        </button>
        <button type="button" className="secondary" data-testid="bench-quality-cancel" disabled={!running || cancelling} onClick={onCancel}>
          {cancelling ? t("bench.form.cancelling") : t("bench.form.cancel")}
        </button>
      </div>
    </form>
  );
}
