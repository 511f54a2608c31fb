// The Simulation section of the plane view: a seeded one-day run of the open deployment, with
// the scorecard per plane, the exposure matrix as a heat map, totals, cost and violations.
import { useState } from "react";
import { useTranslation } from "react-i18next";

import * as simulationIpc from "../ipc/simulation";
import type { SimulationView } from "../ipc/simulation";
import type { WireError } from "../ipc/result";
import { StatusMark } from "../components/ExposureBadge";

export const DEFAULT_SEED = 42;

type Props = { file: string; text: string | null };

export function Simulation({ file, text }: Props) {
  const { t, i18n } = useTranslation();
  const [seed, setSeed] = useState(String(DEFAULT_SEED));
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<SimulationView | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  const seedValue = /^\d{1,9}$/.test(seed) ? Number(seed) : null;
  // Figures cross as `number | null` (a non-finite f64 serializes as null).
  const n = (v: number | null) => (v === null ? "—" : new Intl.NumberFormat(i18n.language).format(v));

  async function run() {
    if (seedValue === null) return;
    setRunning(true);
    const r = await simulationIpc.run(file, text, seedValue);
    setRunning(false);
    if (r.ok) {
      setResult(r.value);
      setError(null);
    } else {
      setError(r.error);
    }
  }

  return (
    <section className="simulation" aria-labelledby="simulation-title" data-testid="simulation">
      <div className="simulation-head">
        <h3 id="simulation-title">{t("simulation.title")}</h3>
        <label className="seed">
          {t("simulation.seed")}
          <input
            data-testid="simulation-seed"
            inputMode="numeric"
            value={seed}
            aria-invalid={seedValue === null}
            onChange={(e) => setSeed(e.target.value.trim())}
          />
        </label>
        <span className="muted">{t("simulation.days", { count: 1 })}</span>
        <button type="button" data-testid="simulation-run" disabled={running || seedValue === null} onClick={() => void run()}>
          {running ? t("simulation.running") : t("simulation.run")}
        </button>
      </div>
      {seedValue === null && <p className="error-text">{t("simulation.badSeed")}</p>}
      {error && (
        <p className="error-text" role="alert" data-testid="simulation-error">
          {t("simulation.failed")} {error.message}
        </p>
      )}
      {result && <Report result={result} n={n} />}
    </section>
  );
}

function Report({ result, n }: { result: SimulationView; n: (v: number | null) => string }) {
  const { t } = useTranslation();
  const rows = [...result.scorecard, result.overall];
  const heatmap = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(result.heatmapSvg)}`;

  return (
    <div className="simulation-report" data-testid="simulation-report" data-seed={result.seed}>
      <p className="meta">{t("simulation.ranWith", { seed: result.seed, count: result.days })}</p>

      <h4>{t("simulation.scorecard")}</h4>
      <table className="scorecard" data-testid="scorecard">
        <thead>
          <tr>
            <th scope="col">{t("simulation.plane")}</th>
            <th scope="col">{t("simulation.grade")}</th>
            <th scope="col">{t("simulation.exposure")}</th>
            <th scope="col">{t("component.visibility")}</th>
            <th scope="col">{t("simulation.jurisdictions")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.plane} data-plane={s.plane}>
              <th scope="row">{s.plane === "overall" ? t("simulation.overall") : t(`lane.${s.plane}`)}</th>
              <td className={`grade grade-${s.grade}`} data-testid="grade">
                {s.grade}
              </td>
              <td className={`status-${s.exposure}`}>
                <StatusMark status={s.exposure} /> {t(`status.${s.exposure}`)}
                {s.exposedTo.length > 0 && <span className="muted"> ({s.exposedTo.join(", ")})</span>}
              </td>
              <td>{t(`visibility.${s.visibility}`)}</td>
              <td>{s.jurisdictions.join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <div className="simulation-figures">
        <dl className="totals" data-testid="totals">
          <dt>{t("simulation.sessions")}</dt>
          <dd data-testid="total-sessions" data-value={result.totals.sessions}>{n(result.totals.sessions)}</dd>
          <dt>{t("simulation.cycles")}</dt>
          <dd data-testid="total-cycles" data-value={result.totals.cycles}>{n(result.totals.cycles)}</dd>
          <dt>{t("simulation.flows")}</dt>
          <dd data-testid="total-flows" data-value={result.totals.flows}>{n(result.totals.flows)}</dd>
          <dt>{t("simulation.costPerMonth")}</dt>
          <dd data-testid="cost">
            {result.costPerMonth.length === 0
              ? t("simulation.noCost")
              : result.costPerMonth.map((c) => `${n(c.amount)} ${c.currency}`).join(" · ")}
          </dd>
        </dl>
        {result.unpriced.length > 0 && (
          <p className="muted">{t("simulation.unpriced", { components: result.unpriced.join(", ") })}</p>
        )}
      </div>

      <h4>{t("simulation.heatmap")}</h4>
      {/* Our own SVG from triplane-report, shown as an image: the CSP allows `img-src data:`
          and an <img> runs no script inside the SVG. */}
      <img className="heatmap" data-testid="heatmap" src={heatmap} alt={t("simulation.heatmapAlt")} />

      <h4>{t("simulation.violations", { count: result.violations.length })}</h4>
      {result.violations.length === 0 ? (
        <p className="muted" data-testid="no-violations">{t("simulation.noViolations")}</p>
      ) : (
        <ul className="violations" data-testid="violations" data-count={result.violations.length}>
          {result.violations.map((v) => (
            <li key={`${v.policy}/${v.rule}`} data-testid="violation">
              <strong>
                {v.policy} / {v.rule}
              </strong>{" "}
              — {t("simulation.violationFlows", { count: v.flows ?? 0, flows: n(v.flows) })}
              <div className="muted">{v.message}</div>
              <div>
                {t("simulation.proof")}: <code>{v.hop}</code> ({v.classes.join(", ")} → {v.jurisdiction})
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
