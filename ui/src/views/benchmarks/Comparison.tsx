// Quality runs side by side, as `triplane bench compare RUN… --json` lists them, with the charts
// of `--charts`: pass rate per suite per candidate, each classification run's confusion matrix,
// and quality against latency against price with the Pareto front. Prices are typed per
// candidate, as `--price CANDIDATE=EUR`, and the charts redrawn with them.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import type { PriceForm, QualityComparisonView } from "../../ipc/bench";
import { ms, share, svgSource } from "./format";

type Props = {
  view: QualityComparisonView;
  onPrices: (prices: PriceForm[]) => void;
};

function caption(name: string, t: (k: string, a?: Record<string, unknown>) => string): string {
  const m = /^confusion-(\d+)$/.exec(name);
  if (m) return t("bench.compare.chartConfusion", { run: m[1] });
  return t(`bench.compare.chart.${name}`);
}

export function Comparison({ view, onPrices }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const candidates = [...new Set(view.runs.map((r) => r.candidate))];
  const [prices, setPrices] = useState<Record<string, string>>({});

  useEffect(() => {
    const given: Record<string, string> = {};
    for (const r of view.runs) if (r.price !== null) given[r.candidate] = String(r.price);
    setPrices((p) => ({ ...given, ...p }));
  }, [view]);

  const parsed = candidates.flatMap((c) => {
    const v = (prices[c] ?? "").trim().replace(",", ".");
    return v === "" ? [] : [{ candidate: c, eurPerMillion: Number(v) }];
  });
  const bad = parsed.some((p) => !Number.isFinite(p.eurPerMillion) || p.eurPerMillion < 0);

  return (
    <section className="bench-detail" data-testid="bench-comparison" aria-labelledby="bench-compare-title">
      <h3 id="bench-compare-title">{t("bench.compare.title")}</h3>
      <p className="muted">{t("bench.compare.intro")}</p>
      <div className="bench-table-wrap">
        <table className="bench-figures" data-testid="bench-compare-runs">
          <thead>
            <tr>
              <th scope="col">{t("bench.col.run")}</th>
              <th scope="col">{t("bench.quality.suite")}</th>
              <th scope="col">{t("bench.col.candidate")}</th>
              <th scope="col">{t("bench.quality.passRate")}</th>
              <th scope="col">{t("bench.compare.interval")}</th>
              <th scope="col">{t("bench.compare.latency")}</th>
              <th scope="col">{t("bench.compare.price")}</th>
              <th scope="col">{t("bench.compare.pareto")}</th>
            </tr>
          </thead>
          <tbody>
            {view.runs.map((r) => (
              <tr
                key={r.runId}
                data-compare-run={r.runId}
                data-rate={r.passRate.rate ?? ""}
                data-passes={r.passRate.passes}
                data-n={r.passRate.n}
                data-latency={r.latencyP50Ms ?? ""}
                data-pareto={r.pareto === null ? "" : String(r.pareto)}
              >
                <th scope="row">{r.runId}</th>
                <td>{r.suite}</td>
                <td>{r.candidate}</td>
                <td>
                  {share(r.passRate.rate, lang)} ({r.passRate.passes}/{r.passRate.n})
                </td>
                <td>
                  {share(r.passRate.low, lang)}–{share(r.passRate.high, lang)}
                </td>
                <td>{r.latencyP50Ms === null ? t("bench.compare.noLatency") : t("bench.compare.latencyOf", { ms: ms(r.latencyP50Ms, lang), run: r.latencyRun })}</td>
                <td>{r.price === null ? "—" : new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(r.price)}</td>
                <td>{r.pareto === null ? "—" : r.pareto ? t("bench.compare.onFront") : t("bench.compare.dominated")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h4>{t("bench.compare.prices")}</h4>
      <div className="bench-grid">
        {candidates.map((c) => (
          <label key={c} className="bench-field">
            <span>{t("bench.compare.priceOf", { candidate: c })}</span>
            <input data-price={c} inputMode="decimal" value={prices[c] ?? ""} onChange={(e) => setPrices({ ...prices, [c]: e.target.value })} />
          </label>
        ))}
      </div>
      {bad && (
        <p className="error-text" role="alert">
          {t("bench.compare.badPrice")}
        </p>
      )}
      <div className="row">
        <button type="button" className="secondary" data-testid="bench-compare-redraw" disabled={bad} onClick={() => onPrices(parsed)}>
          {t("bench.compare.redraw")}
        </button>
      </div>
      {!view.charts.some((c) => c.name === "tradeoff") && <p className="muted">{t("bench.compare.noTradeoff")}</p>}
      <div className="bench-charts">
        {view.charts.map((c) => (
          <figure key={c.name} data-chart={c.name}>
            <img src={svgSource(c.svg)} alt={caption(c.name, t)} />
            <figcaption>{caption(c.name, t)}</figcaption>
          </figure>
        ))}
      </div>
    </section>
  );
}
