// One stored run: for a latency run every figure with its percentiles and the formula it was
// computed by (as `triplane bench show` prints them) and the latency CDF; for a quality run its
// pass rate with the Wilson interval, pass^k, the per-class and router rates, the confusion
// matrix (drawn, and as a table) and every sample's verdict.
import { useTranslation } from "react-i18next";

import type { ChartView, QualityFiguresView, RunView } from "../../ipc/bench";
import { loadLabel, ms, share, svgSource, when } from "./format";

export function RunDetail({ view }: { view: RunView }) {
  const { t, i18n } = useTranslation();
  const r = view.run;
  return (
    <section className="bench-detail" data-testid="bench-detail" data-run={r.runId} data-status={r.status} aria-labelledby="bench-detail-title">
      <h3 id="bench-detail-title">
        {t("bench.detail.title", { run: r.runId })} · <span className={`bench-status status-${r.status}`}>{t(`bench.status.${r.status}`)}</span>
      </h3>
      <p className="muted">{t("bench.detail.on", { model: r.model, endpoint: r.endpoint, api: r.api })}</p>
      <dl className="bench-facts">
        {view.load && (
          <>
            <dt>{t("bench.detail.load")}</dt>
            <dd data-testid="bench-load">{loadLabel(view.load, t, i18n.language)}</dd>
          </>
        )}
        <dt>{t("bench.detail.candidate")}</dt>
        <dd>{r.candidate ?? "—"}</dd>
        <dt>{t("bench.col.started")}</dt>
        <dd>{when(r.startedMs, i18n.language)}</dd>
        {view.keyName && (
          <>
            <dt>{t("bench.detail.keyName")}</dt>
            <dd>
              <code>{view.keyName}</code>
            </dd>
          </>
        )}
        <dt>{t("bench.detail.version")}</dt>
        <dd>{view.triplaneVersion}</dd>
      </dl>
      {view.latency && <Latency view={view} />}
      {view.quality && <Quality q={view.quality} />}
    </section>
  );
}

function Latency({ view }: { view: RunView }) {
  const { t, i18n } = useTranslation();
  const l = view.latency!;
  const lang = i18n.language;
  const failures = l.outcomes.filter((o) => o.outcome !== "ok");
  return (
    <>
      <p data-testid="bench-counts" data-requests={l.requests} data-ok={l.ok}>
        {t("bench.detail.counts", { requests: l.requests, ok: l.ok, failed: l.requests - l.ok })}
        {failures.length > 0 && (
          <span className="muted"> ({failures.map((o) => `${o.count} ${t(`bench.outcome.${o.outcome}`)}`).join(", ")})</span>
        )}
      </p>
      {l.tokensCountedByClient > 0 && <p className="muted">{t("bench.detail.clientCounted", { count: l.tokensCountedByClient })}</p>}
      <div className="bench-table-wrap">
        <table className="bench-figures" data-testid="bench-figures">
          <thead>
            <tr>
              <th scope="col">{t("bench.detail.figure")}</th>
              <th scope="col">p50</th>
              <th scope="col">p90</th>
              <th scope="col">p95</th>
              <th scope="col">p99</th>
              <th scope="col">{t("bench.stat.mean")}</th>
              <th scope="col">{t("bench.stat.max")}</th>
              <th scope="col">{t("bench.stat.count")}</th>
              <th scope="col">{t("bench.detail.formula")}</th>
            </tr>
          </thead>
          <tbody>
            {l.figures.map((f) => (
              <tr
                key={f.key}
                data-figure={f.key}
                data-p50={f.p50 ?? ""}
                data-p90={f.p90 ?? ""}
                data-p95={f.p95 ?? ""}
                data-p99={f.p99 ?? ""}
                data-count={f.count}
              >
                <th scope="row">
                  {t(`bench.figure.${f.key}`)} <span className="muted">({f.unit})</span>
                </th>
                <td>{ms(f.p50, lang)}</td>
                <td>{ms(f.p90, lang)}</td>
                <td>{ms(f.p95, lang)}</td>
                <td>{ms(f.p99, lang)}</td>
                <td>{ms(f.mean, lang)}</td>
                <td>{ms(f.max, lang)}</td>
                <td>{f.count}</td>
                <td className="formula">
                  <code>{f.formula}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted bench-hint">
        {t("bench.detail.percentiles")}: <code>{l.percentileFormula}</code>
      </p>
      <h4>{t("bench.detail.rates")}</h4>
      <dl className="bench-rates">
        {l.rates.map((r) => (
          <div key={r.key} data-rate={r.key} data-value={r.value ?? ""}>
            <dt>{t(`bench.figure.${r.key}`)}</dt>
            <dd>
              <strong>
                {ms(r.value, lang)} {r.unit}
              </strong>{" "}
              <code className="formula">{r.formula}</code>
            </dd>
          </div>
        ))}
      </dl>
      <h4>{t("bench.detail.charts")}</h4>
      {view.charts.length === 0 ? <p className="muted">{t("bench.detail.noCharts")}</p> : <Charts charts={view.charts} />}
    </>
  );
}

export function Charts({ charts }: { charts: ChartView[] }) {
  const { t } = useTranslation();
  return (
    <div className="bench-charts">
      {charts.map((c) => (
        <figure key={c.name} data-chart={c.name}>
          <img src={svgSource(c.svg)} alt={t("bench.chart.alt")} />
          <figcaption>{t(`bench.chart.${c.name}`)}</figcaption>
        </figure>
      ))}
    </div>
  );
}

function Quality({ q }: { q: QualityFiguresView }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const p = q.passRate;
  return (
    <div data-testid="bench-quality" data-pass-rate={p.rate ?? ""} data-passes={p.passes} data-n={p.n}>
      <dl className="bench-facts">
        <dt>{t("bench.quality.suite")}</dt>
        <dd>{q.suite}</dd>
        <dt>{t("bench.quality.task")}</dt>
        <dd>{q.task}</dd>
        <dt>{t("bench.quality.passRate")}</dt>
        <dd>
          <strong>
            {t("bench.quality.interval", {
              rate: share(p.rate, lang),
              passes: p.passes,
              n: p.n,
              low: share(p.low, lang),
              high: share(p.high, lang),
            })}
          </strong>
        </dd>
        <dt />
        <dd className="muted">{t("bench.quality.cases", { cases: q.cases, samples: q.samples })}</dd>
        {q.passHatK.map((k) => (
          <div key={k.k} className="bench-fact-pair" data-pass-hat-k={k.k} data-value={k.value ?? ""}>
            <dt>{t("bench.quality.passHatK", { k: k.k })}</dt>
            <dd>{share(k.value, lang)}</dd>
          </div>
        ))}
        {q.routerRates && (
          <>
            <dt>{t("bench.quality.router")}</dt>
            <dd data-testid="bench-router-rates">
              {t("bench.quality.routerRates", { fnr: share(q.routerRates.falseNegativeRate, lang), fpr: share(q.routerRates.falsePositiveRate, lang) })}
            </dd>
          </>
        )}
      </dl>
      {q.classRates.length > 0 && (
        <>
          <h4>{t("bench.quality.classRates")}</h4>
          <table className="bench-figures">
            <thead>
              <tr>
                <th scope="col">{t("bench.quality.label")}</th>
                <th scope="col">{t("bench.quality.support")}</th>
                <th scope="col">{t("bench.quality.fnr")}</th>
                <th scope="col">{t("bench.quality.fpr")}</th>
              </tr>
            </thead>
            <tbody>
              {q.classRates.map((c) => (
                <tr key={c.label}>
                  <th scope="row">{c.label}</th>
                  <td>{c.support}</td>
                  <td>{share(c.falseNegativeRate, lang)}</td>
                  <td>{share(c.falsePositiveRate, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {q.confusionSvg && (
        <figure className="bench-charts">
          <img src={svgSource(q.confusionSvg)} alt={t("bench.quality.confusionAlt")} />
          <figcaption>{t("bench.quality.confusion")}</figcaption>
        </figure>
      )}
      {q.confusion && (
        <details className="bench-fold">
          <summary>{t("bench.quality.confusionTable")}</summary>
          <table className="bench-figures" data-testid="bench-confusion">
            <thead>
              <tr>
                <th scope="col">{t("bench.quality.expected")}</th>
                {q.confusion.columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {q.confusion.labels.map((label, i) => (
                <tr key={label} data-expected={label}>
                  <th scope="row">{label}</th>
                  {(q.confusion!.counts[i] ?? []).map((n, j) => (
                    <td key={j} data-answered={q.confusion!.columns[j]} data-count={n}>
                      {n}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
      <details className="bench-fold" data-testid="bench-verdicts-fold">
        <summary>{t("bench.quality.verdicts", { count: q.verdicts.length })}</summary>
        <table className="bench-figures" data-testid="bench-verdicts">
          <thead>
            <tr>
              <th scope="col">{t("bench.quality.case")}</th>
              <th scope="col">{t("bench.quality.sample")}</th>
              <th scope="col">{t("bench.quality.verdict")}</th>
              {q.confusion && <th scope="col">{t("bench.quality.expected")}</th>}
              {q.confusion && <th scope="col">{t("bench.quality.answered")}</th>}
              <th scope="col">{t("bench.quality.reason")}</th>
            </tr>
          </thead>
          <tbody>
            {q.verdicts.map((v) => (
              <tr key={`${v.caseId}-${v.sample}`} data-case={v.caseId} data-sample={v.sample} data-pass={String(v.pass)}>
                <th scope="row">{v.caseId}</th>
                <td>{v.sample}</td>
                <td className={v.pass ? "bench-pass" : "bench-fail"}>{v.pass ? t("bench.quality.pass") : t("bench.quality.fail")}</td>
                {q.confusion && <td>{v.expectedLabel ?? "—"}</td>}
                {q.confusion && <td>{v.predictedLabel ?? "—"}</td>}
                <td className="formula">{v.reason ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
