// The representative session of a run as a sequence diagram (drawn by triplane-report, shown
// as an image like the heat map), with a legend of the lanes in the user's language and every
// flow as a table, which is also the diagram's text alternative.
import { useTranslation } from "react-i18next";

import type { SessionView } from "../../ipc/simulation";

type Props = { session: SessionView; n: (v: number | null) => string };

export function Session({ session, n }: Props) {
  const { t } = useTranslation();
  const svg = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(session.svg)}`;
  const first = session.components[0]?.id ?? "";
  const last = session.components[session.components.length - 1]?.id ?? "";
  const misrouted = session.hops.some((h) => h.misrouted);

  return (
    <section
      className="session"
      aria-labelledby="session-title"
      data-testid="session"
      data-session={session.session}
      data-hops={session.hops.length}
    >
      <h4 id="session-title">{t("simulation.sessionTitle")}</h4>
      <p data-testid="session-intro">
        {t("simulation.sessionIntro", {
          session: n(session.session),
          sessions: n(session.sessionsInDay),
          day: session.day,
          turns: session.turns,
          cycles: session.cycles,
          flows: n(session.hops.length),
        })}
      </p>
      <p className="muted">{t("simulation.sessionHow")}</p>
      <ul className="lane-legend" aria-label={t("simulation.lanes")}>
        {session.lanes.map((l) => (
          <li key={l.plane} data-plane={l.plane}>
            <svg width="14" height="14" aria-hidden="true">
              <rect width="14" height="14" fill={l.colour} stroke="#999" />
            </svg>
            {t(`lane.${l.plane}`)}
          </li>
        ))}
        {misrouted && <li className="misrouted-legend">{t("simulation.misroutedLegend")}</li>}
      </ul>
      <div className="session-diagram">
        {/* Our own SVG from triplane-report, shown as an image (CSP `img-src data:`, no script). */}
        <img
          data-testid="session-diagram"
          src={svg}
          alt={t("simulation.sessionAlt", { session: n(session.session), first, last })}
        />
      </div>
      <details className="session-hops">
        <summary>{t("simulation.hopsTable", { count: session.hops.length })}</summary>
        <table data-testid="session-hops">
          <thead>
            <tr>
              <th scope="col">{t("simulation.step")}</th>
              <th scope="col">{t("simulation.cycle")}</th>
              <th scope="col">{t("simulation.hop")}</th>
              <th scope="col">{t("simulation.classes")}</th>
              <th scope="col">{t("simulation.entered")}</th>
              <th scope="col">{t("simulation.tokens")}</th>
              <th scope="col">{t("simulation.bytes")}</th>
            </tr>
          </thead>
          <tbody>
            {session.hops.map((h) => (
              <tr
                key={h.step}
                data-testid="session-hop"
                data-step={h.step}
                data-cycle={h.cycle}
                data-from={h.from}
                data-to={h.to}
                data-classes={h.classes.join(",")}
                data-jurisdictions={h.jurisdictions.join(",")}
                data-tokens={h.tokens}
                data-bytes={h.bytes}
                data-label={h.label}
              >
                <td>{h.step}</td>
                <td>{h.cycle}</td>
                <td>
                  {h.from} → {h.to}
                  {h.misrouted && <span className="misrouted"> ({t("simulation.misrouted")})</span>}
                </td>
                <td>{h.classes.join(", ")}</td>
                <td>{h.jurisdictions.join(", ")}</td>
                <td className="num">{n(h.tokens)}</td>
                <td className="num">{n(h.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
