// The Compare section: the open deployment (a file, a project's revision, an edit, or a bundled
// example) beside one to three bundled examples, simulated with the same seed for one day, side
// by side (grade per plane, violations, cost per month). The open deployment is read as the
// Simulation tab reads it. The start screen's demo opens it with four examples and runs it at
// once.
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import type { ExampleSummary } from "../ipc/deployment";
import * as simulationIpc from "../ipc/simulation";
import type { ComparisonView } from "../ipc/simulation";
import type { WireError } from "../ipc/result";
import { DEFAULT_SEED } from "./Simulation";
import { isDirty, useDocument } from "../document";

const PLANES = ["inference", "orchestration", "execution", "connectivity"] as const;
/** Examples beside the open deployment: four variants fit the table. */
const MAX_EXAMPLES = 3;

/**
 * `file` names the open deployment (`example:ID`, `project:NAME` or a path), `hash` is the hash
 * of the text on screen, `text` the YAML the app holds (it wins over `file`).
 */
type Props = { examples: ExampleSummary[]; file: string; hash: string; text: string | null };

/** A variant's short label: an example's ID, a project's name, a file's name. */
function shortName(file: string): string {
  if (file.startsWith("example:")) return file.slice("example:".length);
  if (file.startsWith("project:")) return file.slice("project:".length);
  return file.split(/[\\/]/).pop() ?? file;
}

export function Compare({ examples, file, hash, text }: Props) {
  const { t, i18n } = useTranslation();
  const docApi = useDocument();
  // A bundled example open as it is bundled is compared by its ID, and is its own row in the
  // list of examples; an edited one is the open deployment's text, like a file.
  const openExample = file.startsWith("example:") && !isDirty(docApi?.doc ?? null) ? file.slice("example:".length) : null;
  // The start screen's demo hands over its examples (the open one first); they are compared at once.
  const preset = docApi?.comparePreset ?? null;
  const [chosen, setChosen] = useState<string[]>(
    preset ? preset.filter((id) => id !== openExample).slice(0, MAX_EXAMPLES) : [],
  );
  const presetRun = useRef(false);
  const [seed, setSeed] = useState(String(DEFAULT_SEED));
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<ComparisonView | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  const seedValue = /^\d{1,9}$/.test(seed) ? Number(seed) : null;
  const n = (v: number | null) => (v === null ? "—" : new Intl.NumberFormat(i18n.language).format(v));
  const ready = chosen.length >= 1 && chosen.length <= MAX_EXAMPLES && seedValue !== null;

  function toggle(id: string) {
    setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : c.length < MAX_EXAMPLES ? [...c, id] : c));
  }

  async function run() {
    if (!ready || seedValue === null) return;
    setRunning(true);
    const r = await simulationIpc.compare({
      file,
      text: openExample ? null : text,
      hash,
      examples: chosen,
      seed: seedValue,
    });
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
        {openExample === null && (
          <label>
            <input type="checkbox" data-compare-open={file} checked disabled />{" "}
            {t("compare.open", { name: shortName(file) })}
          </label>
        )}
        {examples.map((ex) =>
          ex.id === openExample ? (
            <label key={ex.id}>
              <input type="checkbox" data-compare={ex.id} data-compare-open={file} checked disabled />{" "}
              {t("compare.open", { name: ex.id })}
            </label>
          ) : (
            <label key={ex.id}>
              <input
                type="checkbox"
                data-compare={ex.id}
                checked={chosen.includes(ex.id)}
                disabled={!chosen.includes(ex.id) && chosen.length >= MAX_EXAMPLES}
                onChange={() => toggle(ex.id)}
              />{" "}
              {ex.id}
            </label>
          ),
        )}
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
            {result.variants.map((v, i) => (
              // The open deployment is the first row; it may share an example's name when edited.
              <tr key={i} data-variant={v.file} data-open={i === 0}>
                <th scope="row" title={`${v.name}\n${v.file}`}>
                  {i === 0 ? t("compare.open", { name: shortName(v.file) }) : shortName(v.file)}
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
                <td data-testid="variant-violating-flows" data-value={v.violatingFlows}>
                  {n(v.violatingFlows)}
                </td>
                <td data-testid="variant-cost">
                  {v.costPerMonth.length === 0
                    ? t("simulation.noCost")
                    : v.costPerMonth.map((c, i) => (
                        <span key={c.currency} data-currency={c.currency} data-amount={c.amount}>
                          {i > 0 && " · "}
                          {`${n(c.amount)} ${c.currency}`}
                        </span>
                      ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
