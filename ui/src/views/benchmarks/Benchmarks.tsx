// The Benchmarks page: the candidates the store knows, forms to run a latency benchmark or a
// quality suite with live progress and cancel, the stored runs of the app's database, one run's
// figures and charts, and a comparison of quality runs. Every figure comes from the store
// through `triplane-api`, as `triplane bench show` and `triplane bench compare`.
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import * as benchIpc from "../../ipc/bench";
import type {
  CandidateView,
  ChartView,
  PriceForm,
  ProgressView,
  QualityComparisonView,
  QualityForm,
  QualityProgressView,
  RunRowView,
  RunView,
  SuiteView,
} from "../../ipc/bench";
import type { WireError } from "../../ipc/result";
import { Comparison } from "./Comparison";
import { QualityRunForm, suiteKey } from "./QualityForm";
import { Charts, RunDetail } from "./RunDetail";
import { RunForm, toWire } from "./RunForm";
import * as runStore from "./runStore";
import { useRunState } from "./runStore";
import { loadLabel, when } from "./format";
import "./bench.css";

export function Benchmarks() {
  const { t, i18n } = useTranslation();
  const run = useRunState();
  const { form, running, cancelling, progress, qualityProgress, done } = run;
  const runError = run.error;
  const [candidates, setCandidates] = useState<CandidateView[]>([]);
  const [runs, setRuns] = useState<RunRowView[] | null>(null);
  const [listError, setListError] = useState<WireError | null>(null);
  const [selected, setSelected] = useState<RunView | null>(null);
  const [ticked, setTicked] = useState<number[]>([]);
  const [charts, setCharts] = useState<ChartView[] | null>(null);
  const [chartError, setChartError] = useState<WireError | null>(null);
  const [suites, setSuites] = useState<SuiteView[]>([]);
  const [suiteError, setSuiteError] = useState<WireError | null>(null);
  const [comparison, setComparison] = useState<QualityComparisonView | null>(null);
  const [compared, setCompared] = useState<number[]>([]);

  const refresh = useCallback(async () => {
    const [r, c] = await Promise.all([benchIpc.runs(), benchIpc.candidates()]);
    if (r.ok) {
      setRuns(r.value);
      setListError(null);
    } else setListError(r.error);
    if (c.ok) setCandidates(c.value);
  }, []);

  useEffect(() => {
    void refresh();
    void benchIpc.suites().then((r) => {
      if (r.ok) setSuites(r.value);
      else setListError(r.error);
    });
  }, [refresh]);

  async function open(id: number) {
    const r = await benchIpc.run(id);
    if (r.ok) setSelected(r.value);
    else setListError(r.error);
  }

  async function chart(ids: number[]) {
    const r = await benchIpc.charts(ids);
    if (r.ok) {
      setCharts(r.value);
      setChartError(null);
    } else {
      setCharts(null);
      setChartError(r.error);
    }
  }

  async function openSuite() {
    const r = await benchIpc.openSuite();
    if (!r.ok) {
      setSuiteError(r.error);
      return;
    }
    setSuiteError(null);
    const picked = r.value;
    if (picked === null) return;
    setSuites((s) => [...s, picked]);
    runStore.setQualityForm({ ...run.qualityForm, suite: suiteKey(picked), cases: "" });
  }

  async function compare(ids: number[], prices: PriceForm[]) {
    const r = await benchIpc.compare(ids, prices);
    if (r.ok) {
      setComparison(r.value);
      setCompared(ids);
      setChartError(null);
    } else {
      setComparison(null);
      setChartError(r.error);
    }
  }

  // When a run ends (now, or while the page was away), the lists are read again and the last
  // run it stored is opened; a sweep's runs are charted together.
  useEffect(() => {
    if (run.finished === 0 || !done) return;
    void (async () => {
      await refresh();
      const last = done.runIds[done.runIds.length - 1];
      if (last !== undefined) await open(last);
      if (done.runIds.length > 1) {
        setTicked(done.runIds);
        await chart(done.runIds);
      }
    })();
    // Only a new end matters, not the functions redefined on each render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [run.finished]);

  function startRun() {
    const w = toWire(form, t);
    if ("bad" in w) return;
    void runStore.start(w.form);
  }

  function fillFrom(c: CandidateView) {
    const api = c.api === "anthropic" || c.api === "ollama" ? c.api : "openai";
    runStore.setForm({ ...form, endpoint: c.endpoint, api, model: c.model, candidate: c.candidate });
    runStore.setQualityForm({ ...run.qualityForm, endpoint: c.endpoint, api, model: c.model, candidate: c.candidate });
  }

  const kindOf = (id: number) => runs?.find((r) => r.runId === id)?.kind;
  const tickedLatency = ticked.filter((id) => kindOf(id) === "latency");
  const tickedQuality = ticked.filter((id) => kindOf(id) !== undefined && kindOf(id) !== "latency");

  const toggle = (id: number) => setTicked((ts) => (ts.includes(id) ? ts.filter((x) => x !== id) : [...ts, id]));

  return (
    <div className="bench" data-testid="bench-page">
      <header className="view-head">
        <div>
          <h2>{t("bench.title")}</h2>
          <p className="description">{t("bench.intro")}</p>
        </div>
      </header>

      <div className="bench-top">
        <div className="bench-forms">
          <div className="bench-kinds" role="group" aria-label={t("bench.kindChoice")}>
            {(["latency", "quality"] as const).map((k) => (
              <button
                key={k}
                type="button"
                className={run.kind === k ? "primary" : "secondary"}
                aria-pressed={run.kind === k}
                data-form-kind={k}
                onClick={() => runStore.setKind(k)}
              >
                {t(`bench.kindForm.${k}`)}
              </button>
            ))}
          </div>
          {run.kind === "latency" ? (
            <RunForm
              value={form}
              onChange={runStore.setForm}
              running={running}
              cancelling={cancelling}
              onRun={startRun}
              onCancel={() => void runStore.cancel()}
            />
          ) : (
            <QualityRunForm
              value={run.qualityForm}
              suites={suites}
              onChange={runStore.setQualityForm}
              running={running}
              cancelling={cancelling}
              onRun={(f: QualityForm) => void runStore.startQuality(f)}
              onCancel={() => void runStore.cancel()}
              onOpenSuite={() => void openSuite()}
              suiteError={suiteError}
            />
          )}
        </div>
        <section className="bench-candidates" aria-labelledby="bench-candidates-title">
          <h3 id="bench-candidates-title">{t("bench.candidates")}</h3>
          {candidates.length === 0 ? (
            <p className="muted">{t("bench.noCandidates")}</p>
          ) : (
            <ul className="items">
              {candidates.map((c) => (
                <li key={c.candidate} className="bench-candidate" data-candidate={c.candidate}>
                  <div>
                    <div className="item-name">{c.candidate}</div>
                    <div className="item-id">
                      {c.model} · {c.endpoint} ({c.api})
                    </div>
                    <div className="item-id">
                      {t("bench.candidateRuns", { latency: c.latencyRuns, quality: c.qualityRuns, run: c.latestRun })}
                    </div>
                  </div>
                  <button type="button" className="ghost" disabled={running} onClick={() => fillFrom(c)}>
                    {t("bench.useCandidate")}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      {run.runKind === "latency" && (running || progress) && <Progress progress={progress} running={running} />}
      {run.runKind === "quality" && (running || qualityProgress) && <QualityProgress progress={qualityProgress} running={running} />}
      {runError && (
        <p className="error-text" role="alert" data-testid="bench-error" data-code={runError.code}>
          {t("bench.failed")} {runError.message}
        </p>
      )}
      {done && (
        <p className="bench-done" role="status" data-testid="bench-done" data-kind={done.kind} data-status={done.status} data-runs={done.runIds.join(",")}>
          {t("bench.done", { count: done.runIds.length, runs: done.runIds.join(", "), status: t(`bench.status.${done.status}`) })}
        </p>
      )}

      <section className="bench-runs" aria-labelledby="bench-runs-title">
        <div className="bench-runs-head">
          <h3 id="bench-runs-title">{t("bench.runs")}</h3>
          <button type="button" className="secondary" onClick={() => void refresh()}>
            {t("bench.refresh")}
          </button>
          <button
            type="button"
            className="secondary"
            data-testid="bench-chart-ticked"
            disabled={tickedLatency.length === 0}
            title={t("bench.chartSelectedHint")}
            onClick={() => void chart(tickedLatency)}
          >
            {t("bench.chartSelected")}
          </button>
          <button
            type="button"
            className="secondary"
            data-testid="bench-compare-ticked"
            disabled={tickedQuality.length === 0}
            title={t("bench.compareSelectedHint")}
            onClick={() => void compare(tickedQuality, [])}
          >
            {t("bench.compareSelected")}
          </button>
        </div>
        {listError && (
          <p className="error-text" role="alert">
            {t("bench.loadFailed")} {listError.message}
          </p>
        )}
        {runs !== null && runs.length === 0 && <p className="muted">{t("bench.noRuns")}</p>}
        {runs !== null && runs.length > 0 && (
          <div className="bench-table-wrap">
            <table className="bench-list" data-testid="bench-runs">
              <thead>
                <tr>
                  <th scope="col" aria-label={t("bench.chartSelected")} />
                  <th scope="col">{t("bench.col.run")}</th>
                  <th scope="col">{t("bench.col.kind")}</th>
                  <th scope="col">{t("bench.col.status")}</th>
                  <th scope="col">{t("bench.col.candidate")}</th>
                  <th scope="col">{t("bench.col.model")}</th>
                  <th scope="col">{t("bench.col.endpoint")}</th>
                  <th scope="col">{t("bench.col.started")}</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.runId} data-run={r.runId} data-status={r.status} aria-current={selected?.run.runId === r.runId ? "true" : undefined}>
                    <td>
                      <input
                        type="checkbox"
                        data-tick-run={r.runId}
                        aria-label={t(r.kind === "latency" ? "bench.tick" : "bench.tickQuality", { run: r.runId })}
                        checked={ticked.includes(r.runId)}
                        onChange={() => toggle(r.runId)}
                      />
                    </td>
                    <td>
                      <button type="button" className="ghost bench-open" data-open-run={r.runId} aria-label={t("bench.open", { run: r.runId })} onClick={() => void open(r.runId)}>
                        {r.runId}
                      </button>
                    </td>
                    <td>{t(`bench.kind.${r.kind}`)}</td>
                    <td className={`bench-status status-${r.status}`}>{t(`bench.status.${r.status}`)}</td>
                    <td>{r.candidate ?? "—"}</td>
                    <td>{r.model}</td>
                    <td className="bench-endpoint">{r.endpoint}</td>
                    <td>{when(r.startedMs, i18n.language)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {chartError && (
          <p className="error-text" role="alert">
            {chartError.message}
          </p>
        )}
        {charts && (
          <div data-testid="bench-ticked-charts">
            <Charts charts={charts} />
          </div>
        )}
      </section>

      {comparison && <Comparison view={comparison} onPrices={(prices) => void compare(compared, prices)} />}

      {selected && <RunDetail view={selected} />}
    </div>
  );
}

function QualityProgress({ progress: p, running }: { progress: QualityProgressView | null; running: boolean }) {
  const { t, i18n } = useTranslation();
  if (!p) return <p className="bench-progress muted">{t("bench.progress.starting")}</p>;
  const elapsed = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(p.elapsedS ?? 0);
  return (
    <div className="bench-progress" data-testid="bench-quality-progress" data-running={running} data-done={p.done} data-planned={p.planned} data-passed={p.passed}>
      <progress aria-label={t("bench.progress.label")} max={p.planned} value={p.done} />
      <span>{t("bench.progress.quality", { done: p.done, planned: p.planned, passed: p.passed, elapsed })}</span>
    </div>
  );
}

function Progress({ progress: p, running }: { progress: ProgressView | null; running: boolean }) {
  const { t, i18n } = useTranslation();
  if (!p) return <p className="bench-progress muted">{t("bench.progress.starting")}</p>;
  const elapsed = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(p.elapsedS ?? 0);
  const args = { load: loadLabel(p.load, t, i18n.language), settled: p.settled, planned: p.planned ?? 0, ok: p.ok, failed: p.failed, elapsed };
  return (
    <div className="bench-progress" data-testid="bench-progress" data-running={running} data-settled={p.settled} data-ok={p.ok} data-sent={p.sent}>
      <progress aria-label={t("bench.progress.label")} max={p.planned ?? undefined} value={p.planned ? p.settled : undefined} />
      <span>{p.planned ? t("bench.progress.line", args) : t("bench.progress.lineOpen", args)}</span>
    </div>
  );
}
