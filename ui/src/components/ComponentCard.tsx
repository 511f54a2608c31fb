import { useTranslation } from "react-i18next";

import type { ChainEntityView, ComponentView } from "../ipc/deployment";
import { ExposureBadge } from "./ExposureBadge";

function Country({ code }: { code: string | null }) {
  const { t } = useTranslation();
  return code ? <span className="country">{code}</span> : <span className="country unknown">{t("component.unknownCountry")}</span>;
}

function role(t: (k: string, o?: Record<string, string>) => string, e: ChainEntityView): string {
  switch (e.role) {
    case "parent":
      return t("role.parent", { of: e.roleDetail ?? "" });
    case "subprocessor":
      return t("role.subprocessor", { role: e.roleDetail ?? "" });
    default:
      return t(`role.${e.role}`);
  }
}

export function ComponentCard({ component: c, calls }: { component: ComponentView; calls: string[] }) {
  const { t } = useTranslation();
  return (
    <article className="component" data-component-id={c.id} aria-labelledby={`c-${c.id}`}>
      <header>
        <h4 id={`c-${c.id}`}>{c.name}</h4>
        <span className="kind">
          {t(`kind.${c.kind}`)}
          {c.selfHosted && <span className="tag">{t("component.selfHosted")}</span>}
        </span>
      </header>

      <dl className="facts">
        {(c.offering || c.model) && (
          <>
            <dt>{c.model ? t("component.model") : t("component.offering")}</dt>
            <dd>
              {c.model ?? c.offering}
              {c.model && c.offering && <span className="muted"> · {c.offering}</span>}
            </dd>
          </>
        )}
        <dt>{t("component.site")}</dt>
        <dd data-field="site">
          {c.site ? (
            <>
              {c.site.name}
              {c.site.region && <code className="region">{c.site.region}</code>} <Country code={c.site.country} />
            </>
          ) : (
            <span className="muted">{t("component.noSite")}</span>
          )}
        </dd>
        <dt>{t("component.operatorChain")}</dt>
        <dd>
          <ol className="chain" data-field="operator-chain">
            {c.operatorChain.map((e, i) => (
              <li key={i}>
                <span className="entity">{e.name}</span> <Country code={e.country} /> <span className="role">{role(t, e)}</span>
              </li>
            ))}
          </ol>
        </dd>
        <dt>{t("component.visibility")}</dt>
        <dd data-field="visibility">{t(`visibility.${c.visibility}`)}</dd>
        {calls.length > 0 && (
          <>
            <dt>{t("component.calls")}</dt>
            <dd className="calls">{calls.join(", ")}</dd>
          </>
        )}
      </dl>

      <ul className="badges">
        {c.exposure.map((e) => (
          <ExposureBadge key={e.law} exposure={e} componentId={c.id} />
        ))}
      </ul>
    </article>
  );
}
