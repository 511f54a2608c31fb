// The catalog panel: offerings to drag onto a lane, each with an Add button for keyboard
// users (it goes to the lane of its kind), and a form for a project-local component.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import * as catalogIpc from "../../ipc/catalog";
import type { CatalogEntry } from "../../ipc/catalog";
import type { ComposeEdit } from "../../ipc/compose";
import type { WireError } from "../../ipc/result";
import { KINDS, LANE_OF_KIND } from "./layout";
import { OFFERING_MIME } from "./Canvas";

type Props = { busy: boolean; apply: (edit: ComposeEdit) => Promise<void> };

export function CatalogPanel({ busy, apply }: Props) {
  const { t } = useTranslation();
  const [query, setQuery] = useState("");
  const [entries, setEntries] = useState<CatalogEntry[] | null>(null);
  /** The query `entries` answer, so a test (and a screen reader) knows the list is current. */
  const [answered, setAnswered] = useState<string | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  const [kind, setKind] = useState("sandbox");
  const [localId, setLocalId] = useState("");

  useEffect(() => {
    let live = true;
    const q = query.trim();
    const timer = setTimeout(() => {
      void catalogIpc.search(q === "" ? null : q).then((r) => {
        if (!live) return;
        if (r.ok) {
          setEntries(r.value.filter((e) => e.entry === "offering"));
          setAnswered(q);
          setError(null);
        } else setError(r.error);
      });
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query]);

  const add = (e: CatalogEntry) => {
    const lane = LANE_OF_KIND[e.kind];
    if (lane) void apply({ edit: "add-offering", lane, offering: e.id });
  };

  return (
    <aside className="compose-catalog" aria-labelledby="compose-catalog-title">
      <h3 id="compose-catalog-title">{t("compose.catalogTitle")}</h3>
      <label className="compose-search">
        <span className="visually-hidden">{t("compose.search")}</span>
        <input
          type="search"
          value={query}
          placeholder={t("compose.searchPlaceholder")}
          aria-label={t("compose.search")}
          data-testid="compose-search"
          onChange={(e) => setQuery(e.target.value)}
        />
      </label>
      <p className="muted compose-catalog-help">{t("compose.catalogHelp")}</p>
      {error && <p className="error-text">{error.message}</p>}
      <ul className="compose-offerings" data-testid="compose-offerings" data-query={answered ?? undefined} aria-busy={answered !== query.trim()}>
        {entries?.map((e) => (
          <li
            key={e.id}
            className="compose-offering"
            draggable={!busy}
            data-offering={e.id}
            data-kind={e.kind}
            onDragStart={(ev) => {
              ev.dataTransfer.setData(OFFERING_MIME, JSON.stringify({ offering: e.id }));
              ev.dataTransfer.effectAllowed = "copy";
            }}
          >
            <div className="compose-offering-text">
              <span className="compose-offering-name">{e.name}</span>
              <span className="compose-offering-meta">
                {t(`kind.${e.kind}`)} · {e.detail}
              </span>
            </div>
            <button
              type="button"
              className="secondary compose-add"
              disabled={busy}
              data-testid="compose-add-offering"
              aria-label={t("compose.addTo", { name: e.name, lane: t(`lane.${LANE_OF_KIND[e.kind] ?? "execution"}`) })}
              onClick={() => add(e)}
            >
              {t("compose.add")}
            </button>
          </li>
        ))}
        {entries?.length === 0 && <li className="muted">{t("compose.noMatch")}</li>}
      </ul>

      <form
        className="compose-local"
        aria-labelledby="compose-local-title"
        onSubmit={(e) => {
          e.preventDefault();
          const lane = LANE_OF_KIND[kind];
          if (!lane) return;
          void apply({ edit: "add-local", lane, kind, id: localId.trim() === "" ? null : localId.trim() }).then(() => setLocalId(""));
        }}
      >
        <h4 id="compose-local-title">{t("compose.localTitle")}</h4>
        <label>
          {t("compose.kind")}
          <select value={kind} onChange={(e) => setKind(e.target.value)} data-testid="compose-local-kind">
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("compose.id")}
          <input value={localId} onChange={(e) => setLocalId(e.target.value)} placeholder={kind} data-testid="compose-local-id" />
        </label>
        <button type="submit" className="secondary" disabled={busy} data-testid="compose-add-local">
          {t("compose.addLocal")}
        </button>
      </form>
    </aside>
  );
}
