// The Compare section: two to four bundled examples simulated with the same seed for one
// day, side by side (grade per plane, violations, cost per month). The start screen's demo
// opens it with four examples and runs it at once.
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import type { ExampleSummary } from "../ipc/deployment";
import * as simulationIpc from "../ipc/simulation";
import type { ComparisonView } from "../ipc/simulation";
import type { WireError } from "../ipc/result";
import { DEFAULT_SEED } from "./Simulation";
import { useDocument } from "../document";

const PLANES = ["inference", "orchestration", "execution", "connectivity"] as const;
const MAX = 4;

type Props = { examples: ExampleSummary[]; current: string | null };

export function Compare({ examples, current }: Props) {
  const { t, i18n } = useTranslation();
  // The start screen's demo hands over its examples; they are compared at once.
  const preset = useDocument()?.comparePreset ?? null;
  const [chosen, setChosen] = useState<string[]>(preset ? preset.slice(0, MAX) : current ? [current] : []);
  const presetRun = useRef(false);
  const [seed, setSeed] = useState(String(DEFAULT_SEED));
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<ComparisonView | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  const seedValue = /^\d{1,9}$/.test(seed) ? Number(seed) : null;
  const n = (v: number | null) => (v === null ? "—" : new Intl.NumberFormat(i18n.language).format(v));
  const ready = chosen.length >= 2 && chosen.length <= MAX && seedValue !== null;

  function toggle(id: string) {
    setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : c.length < MAX ? [...c, id] : c));
  }

  async function run() {
    if (!ready || seedValue === null) return;
    setRunning(true);
    const r = await simulationIpc.compare(chosen, seedValue);
    setRunning(false);
    if (r.ok) {
      setResult(r.value);
      setError(null);
    } else {
      setError(r.error);
    }
  }

  useEffect(() => {
    if (!preset || presetRun.current) return;
    presetRun.current = true;
    void run();
    // Once, on the preset the view was opened with.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [preset]);

  return (
    <section className="simulation compare" aria-labelledby="compare-title" data-testid="compare">
      <div className="simulation-head">
        <h3 id="compare-title">{t("compare.title")}</h3>
        <label className="seed">
          {t("simulation.seed")}
          <input
            data-testid="compare-seed"
            inputMode="numeric"
            value={seed}
            aria-invalid={seedValue === null}
            onChange={(e) => setSeed(e.target.value.trim())}
          />
        </label>
        <button type="button" data-testid="compare-run" disabled={running || !ready} onClick={() => void run()}>
          {running ? t("simulation.running") : t("compare.run")}
        </button>
      </div>
      <fieldset className="compare-choice">
        <legend>{t("compare.choose")}</legend>
        {examples.map((ex) => (
          <label key={ex.id}>
            <input
              type="checkbox"
              data-compare={ex.id}
              checked={chosen.includes(ex.id)}
              disabled={!chosen.includes(ex.id) && chosen.length >= MAX}
              onChange={() => toggle(ex.id)}
            />{" "}
            {ex.id}
          </label>
        ))}
      </fieldset>
      {error && (
        <p className="error-text" role="alert" data-testid="compare-error">
          {t("simulation.failed")} {error.message}
        </p>
      )}
      {result && (
        <table className="scorecard" data-testid="comparison" data-seed={result.seed}>
          <thead>
            <tr>
              <th scope="col">{t("compare.variant")}</th>
              {PLANES.map((p) => (
                <th scope="col" key={p}>
                  {t(`lane.${p}`)}
                </th>
              ))}
              <th scope="col">{t("simulation.overall")}</th>
              <th scope="col">{t("compare.violations")}</th>
              <th scope="col">{t("compare.violatingFlows")}</th>
              <th scope="col">{t("simulation.costPerMonth")}</th>
            </tr>
          </thead>
          <tbody>
            {result.variants.map((v) => (
              <tr key={v.file} data-variant={v.file}>
                <th scope="row" title={v.name}>
                  {v.file.replace(/^example:/, "")}
                </th>
                {/* A plane with no component has no grade, as in `compare --json`. */}
                {[...PLANES, "overall"].map((p) => {
                  const grade = v.grades.find((g) => g.plane === p)?.grade;
                  return (
                    <td key={p} className="grade" data-grade-plane={grade ? p : undefined}>
                      {grade ?? "—"}
                    </td>
                  );
                })}
                <td data-testid="variant-violations" title={v.violatedRules.join("\n")}>
                  {n(v.violations)}
                </td>
                <td>{n(v.violatingFlows)}</td>
                <td>{v.costPerMonth.length === 0 ? t("simulation.noCost") : v.costPerMonth.map((c) => `${n(c.amount)} ${c.currency}`).join(" · ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
