// The Simulation tab: a seeded run of the open deployment (a bundled example, a project's
// revision, or the text the app holds) off the UI thread, with progress and Cancel; then the
// scorecard per plane, the exposure matrix as a heat map, totals, cost, violations, and the
// flows of one representative session as a sequence diagram.
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import * as simulationIpc from "../ipc/simulation";
import type { SimulationOutcome, SimulationProgress, SimulationView } from "../ipc/simulation";
import type { WireError } from "../ipc/result";
import { StatusMark } from "../components/ExposureBadge";
import { Session } from "./simulation/Session";
import "./simulation/simulation.css";

export const DEFAULT_SEED = 42;
export const MAX_DAYS = 3660;

/**
 * `file` names the open deployment (`example:ID`, `project:NAME` or a file name), `hash` is the
 * hash of the text on screen (it picks a project's revision), `text` the YAML when the app holds
 * it (it wins over `file`).
 */
type Props = { file: string; hash: string; text: string | null };

export function Simulation({ file, hash, text }: Props) {
  const { t, i18n } = useTranslation();
  const [seed, setSeed] = useState(String(DEFAULT_SEED));
  const [days, setDays] = useState("1");
  const [running, setRunning] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [progress, setProgress] = useState<SimulationProgress | null>(null);
  const [result, setResult] = useState<SimulationOutcome | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  const [cancelled, setCancelled] = useState(false);
  // A run left behind when the user opens another deployment is cancelled, so it does not
  // hold the one simulation slot until it ends.
  const runningRef = useRef(false);
  useEffect(
    () => () => {
      if (runningRef.current) void simulationIpc.cancel();
    },
    [],
  );
  const seedValue = /^\d{1,9}$/.test(seed) ? Number(seed) : null;
  const daysValue = /^\d{1,4}$/.test(days) && Number(days) >= 1 && Number(days) <= MAX_DAYS ? Number(days) : null;
  // Figures cross as `number | null` (a non-finite f64 serializes as null).
  const n = (v: number | null) => (v === null ? "—" : new Intl.NumberFormat(i18n.language).format(v));

  async function run() {
    if (seedValue === null || daysValue === null) return;
    setRunning(true);
    runningRef.current = true;
    setCancelled(false);
    setError(null);
    setProgress({ fraction: 0, sessions: 0 });
    const r = await simulationIpc.run({ file, text, hash, seed: seedValue, days: daysValue }, setProgress);
    runningRef.current = false;
    setRunning(false);
    setCancelling(false);
    setProgress(null);
    if (r.ok) setResult(r.value);
    else if (r.error.code === "cancelled") setCancelled(true);
    else setError(r.error);
  }

  async function cancel() {
    setCancelling(true);
    await simulationIpc.cancel();
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
            disabled={running}
            aria-invalid={seedValue === null}
            onChange={(e) => setSeed(e.target.value.trim())}
          />
        </label>
        <label className="days">
          {t("simulation.daysLabel")}
          <input
            data-testid="simulation-days"
            inputMode="numeric"
            value={days}
            disabled={running}
            aria-invalid={daysValue === null}
            onChange={(e) => setDays(e.target.value.trim())}
          />
        </label>
        <button
          type="button"
          data-testid="simulation-run"
          disabled={running || seedValue === null || daysValue === null}
          onClick={() => void run()}
        >
          {running ? t("simulation.running") : t("simulation.run")}
        </button>
        {running && (
          <button type="button" data-testid="simulation-cancel" disabled={cancelling} onClick={() => void cancel()}>
            {cancelling ? t("simulation.cancelling") : t("simulation.cancel")}
          </button>
        )}
      </div>
      {seedValue === null && <p className="error-text">{t("simulation.badSeed")}</p>}
      {daysValue === null && <p className="error-text">{t("simulation.badDays")}</p>}
      {running && progress && (
        <div className="simulation-progress" data-testid="simulation-progress" data-fraction={progress.fraction ?? 0}>
          <progress max={1} value={progress.fraction ?? 0} aria-label={t("simulation.running")} />
          <span>
            {t("simulation.progress", {
              percent: new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format((progress.fraction ?? 0) * 100),
              sessions: n(progress.sessions),
            })}
          </span>
        </div>
      )}
      {cancelled && (
        <p className="notice" role="status" data-testid="simulation-cancelled">
          {t("simulation.cancelled")}
        </p>
      )}
      {error && (
        <p className="error-text" role="alert" data-testid="simulation-error">
          {t("simulation.failed")} {error.message}
        </p>
      )}
      {result && (
        <>
          <Report result={result.report} n={n} />
          <Session session={result.session} n={n} />
        </>
      )}
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
              : result.costPerMonth.map((c, i) => (
                  <span key={c.currency} data-currency={c.currency} data-amount={c.amount}>
                    {i > 0 && " · "}
                    {`${n(c.amount)} ${c.currency}`}
                  </span>
                ))}
          </dd>
        </dl>
        {result.unpriced.length > 0 && (
          <p className="muted" data-testid="unpriced" data-components={result.unpriced.join(",")}>
            {t("simulation.unpriced", { components: result.unpriced.join(", ") })}
          </p>
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
