// The resolved plane view: one lane per plane (with users and connectivity between them),
// each component with its site, operator chain and an exposure badge per law.
import { useTranslation } from "react-i18next";

import type { ComponentView, ExposureStatusView, Lane, PlaneView } from "../ipc/deployment";
import { ComponentCard } from "../components/ComponentCard";
import { StatusMark } from "../components/ExposureBadge";

/** Top to bottom as a session flows: users, the agent loop, the model, the path to tools. */
const LANES: Lane[] = ["users", "orchestration", "inference", "connectivity", "execution"];

const SEVERITY: Record<ExposureStatusView, number> = { "not-exposed": 0, unknown: 1, exposed: 2 };

function worst(components: ComponentView[]): ExposureStatusView | null {
  let out: ExposureStatusView | null = null;
  for (const c of components)
    for (const e of c.exposure) if (out === null || SEVERITY[e.status] > SEVERITY[out]) out = e.status;
  return out;
}

export function PlaneLanes({ view }: { view: PlaneView }) {
  const { t } = useTranslation();
  const names = new Map(view.components.map((c) => [c.id, c.name]));
  const laws = [...new Map(view.components.flatMap((c) => c.exposure.map((e) => [e.law, e.lawName] as const))).entries()];

  return (
    <article className="plane-view" data-file={view.file}>
      <header className="view-head">
        <div>
          <h2 data-testid="deployment-name">{view.name}</h2>
          {view.description && <p className="description">{view.description}</p>}
          <p className="meta">
            {t("view.source")}: <code>{view.file}</code> · <code title={view.hash}>{view.hash.slice(0, 19)}…</code> ·{" "}
            {t("view.components", { count: view.components.length })}
          </p>
        </div>
        <div className="legend" aria-label={t("view.legend")}>
          <span className="legend-title">{t("view.legend")}</span>
          <span className="legend-laws">{laws.map(([, name]) => name).join(" · ")}</span>
          <span className="legend-marks">
            {(["exposed", "unknown", "not-exposed"] as const).map((s) => (
              <span key={s} className={`legend-item status-${s}`}>
                <StatusMark status={s} /> {t(`status.${s}`)}
              </span>
            ))}
          </span>
        </div>
      </header>

      <div className="lanes" role="list" aria-label={t("view.lanesLabel", { name: view.name })}>
        {LANES.map((lane) => {
          const components = view.components.filter((c) => c.plane === lane);
          if (components.length === 0 && (lane === "users" || lane === "connectivity")) return null;
          const w = worst(components);
          return (
            <section key={lane} className={`lane lane-${lane}`} role="listitem" data-lane={lane} aria-labelledby={`lane-${lane}`}>
              <div className="lane-head">
                <h3 id={`lane-${lane}`}>{t(`lane.${lane}`)}</h3>
                {w && (
                  <span className={`lane-worst status-${w}`} title={t("lane.worst", { status: t(`status.${w}`) })}>
                    <StatusMark status={w} /> {t(`status.${w}`)}
                  </span>
                )}
              </div>
              <div className="lane-body">
                {components.length === 0 ? (
                  <p className="muted">{t("view.emptyLane")}</p>
                ) : (
                  components.map((c) => (
                    <ComponentCard
                      key={c.id}
                      component={c}
                      calls={view.links.filter((l) => l.from === c.id).map((l) => names.get(l.to) ?? l.to)}
                    />
                  ))
                )}
              </div>
            </section>
          );
        })}
      </div>
    </article>
  );
}
