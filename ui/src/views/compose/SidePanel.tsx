// The side panel: the selected component's fields, its links (the keyboard way to link), and
// with nothing selected the deployment's own fields (policies, routing, workload). Each field
// shows the diagnostics `triplane check` gives at its path.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import type { ComposeComponent, ComposeEdit, ComposeField, ComposeSection, ComposeView } from "../../ipc/compose";
import type { DiagnosticView } from "../../ipc/result";
import { problemsOf, titleOf } from "./Canvas";
import { Problem } from "./Problem";

type Props = {
  view: ComposeView;
  diagnostics: DiagnosticView[];
  selected: string | null;
  onSelect: (id: string | null) => void;
  apply: (edit: ComposeEdit) => Promise<void>;
  busy: boolean;
};

const VISIBILITIES = ["black-box", "partial-logs", "full-reproducibility"] as const;

export function SidePanel(props: Props) {
  const c = props.view.components.find((x) => x.id === props.selected);
  return (
    <aside className="compose-side" data-testid="compose-side">
      {c ? <ComponentPanel {...props} c={c} /> : <DeploymentPanel {...props} />}
    </aside>
  );
}

/** A text input that commits on Enter or when it loses focus, and follows the file's value. */
function TextInput({
  value,
  onCommit,
  field,
  list,
  disabled,
  label,
}: {
  value: string;
  onCommit: (v: string) => void;
  field: string;
  list?: string;
  disabled: boolean;
  label: string;
}) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const commit = () => {
    if (draft !== value) onCommit(draft);
  };
  return (
    <input
      value={draft}
      list={list}
      disabled={disabled}
      aria-label={label}
      data-field={field}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          commit();
        } else if (e.key === "Escape") setDraft(value);
      }}
    />
  );
}

function Field({ label, problems, children }: { label: string; problems: DiagnosticView[]; children: ReactNode }) {
  return (
    <div className={`compose-field${problems.length ? " has-problems" : ""}`}>
      <label>
        <span className="compose-field-label">{label}</span>
        {children}
      </label>
      {problems.length > 0 && (
        <ul className="compose-field-problems">
          {problems.map((d, i) => (
            <Problem key={i} d={d} />
          ))}
        </ul>
      )}
    </div>
  );
}

function ComponentPanel({ view, diagnostics, apply, busy, onSelect, c }: Props & { c: ComposeComponent }) {
  const { t } = useTranslation();
  // Read when Link is pressed rather than tracked on change: a select's change event is not
  // fired by every input method (WebKitWebDriver's option click, some assistive tools).
  const target = useRef<HTMLSelectElement>(null);
  const mine = problemsOf(diagnostics, c.path);
  const at = (field: string) => mine.filter((d) => d.path === `${c.path}.${field}` || d.path.startsWith(`${c.path}.${field}[`) || d.path.startsWith(`${c.path}.${field}.`));
  const shown = new Set(["id", "name", "offering", "site", "operator", "model", "visibility", "data_classes", "note"].flatMap(at));
  const other = mine.filter((d) => !shown.has(d));
  const set = (field: ComposeField) => (v: string) => void apply({ edit: "set-field", id: c.id, field, value: v.trim() === "" ? null : v });
  const calls = view.links.filter((l) => l.from === c.id);
  const calledBy = view.links.filter((l) => l.to === c.id);
  const others = view.components.filter((x) => x.id !== c.id && !calls.some((l) => l.to === x.id));
  const classes = c.dataClasses;
  const toggle = (id: string) =>
    void apply({ edit: "set-data-classes", id: c.id, classes: classes.includes(id) ? classes.filter((x) => x !== id) : [...classes, id] });

  return (
    <section aria-labelledby="compose-side-title" data-selected={c.id}>
      <div className="compose-side-head">
        <div>
          <span className="compose-node-kind">
            {t(`kind.${c.kind}`)} · {t(`lane.${c.lane}`)}
          </span>
          <h3 id="compose-side-title">{titleOf(c)}</h3>
          {c.offeringName && <p className="muted">{t(c.selfHosted ? "compose.offeringSelfHosted" : "compose.offeringManaged", { name: c.offeringName })}</p>}
        </div>
        <button type="button" className="ghost" onClick={() => onSelect(null)} data-testid="compose-deselect">
          {t("compose.close")}
        </button>
      </div>
      {other.length > 0 && (
        <ul className="compose-field-problems">
          {other.map((d, i) => (
            <Problem key={i} d={d} />
          ))}
        </ul>
      )}

      <Field label={t("compose.field.id")} problems={at("id")}>
        <TextInput value={c.id} field="id" disabled={busy} label={t("compose.field.id")} onCommit={(v) => void apply({ edit: "rename", id: c.id, to: v })} />
      </Field>
      <Field label={t("compose.field.name")} problems={at("name")}>
        <TextInput value={c.name ?? ""} field="name" disabled={busy} label={t("compose.field.name")} onCommit={set("name")} />
      </Field>
      <Field label={t("compose.field.offering")} problems={at("offering")}>
        <TextInput value={c.offering ?? ""} field="offering" disabled={busy} label={t("compose.field.offering")} onCommit={set("offering")} />
      </Field>
      <Field label={t("compose.field.site")} problems={at("site")}>
        <TextInput value={c.site ?? ""} field="site" list="compose-sites" disabled={busy} label={t("compose.field.site")} onCommit={set("site")} />
      </Field>
      <Field label={t("compose.field.operator")} problems={at("operator")}>
        <TextInput value={c.operator ?? ""} field="operator" list="compose-operators" disabled={busy} label={t("compose.field.operator")} onCommit={set("operator")} />
      </Field>
      {(c.kind === "model-endpoint" || c.model) && (
        <Field label={t("compose.field.model")} problems={at("model")}>
          <TextInput value={c.model ?? ""} field="model" disabled={busy} label={t("compose.field.model")} onCommit={set("model")} />
        </Field>
      )}
      <Field label={t("compose.field.visibility")} problems={at("visibility")}>
        <select
          value={c.visibility ?? ""}
          disabled={busy}
          data-field="visibility"
          onChange={(e) => void apply({ edit: "set-field", id: c.id, field: "visibility", value: e.target.value === "" ? null : e.target.value })}
        >
          <option value="">{t("compose.visibilityDefault")}</option>
          {VISIBILITIES.map((v) => (
            <option key={v} value={v}>
              {t(`visibility.${v}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t("compose.field.dataClasses")} problems={at("data_classes")}>
        <TextInput
          value={classes.join(", ")}
          field="data_classes"
          disabled={busy}
          label={t("compose.field.dataClasses")}
          onCommit={(v) => void apply({ edit: "set-data-classes", id: c.id, classes: v.split(",").map((s) => s.trim()).filter(Boolean) })}
        />
      </Field>
      <div className="compose-chips" role="group" aria-label={t("compose.knownClasses")}>
        {view.dataClasses.map((d) => (
          <button
            key={d.id}
            type="button"
            className="compose-chip"
            aria-pressed={classes.includes(d.id)}
            disabled={busy}
            data-class={d.id}
            title={d.name}
            onClick={() => toggle(d.id)}
          >
            {d.id}
          </button>
        ))}
      </div>
      <Field label={t("compose.field.note")} problems={at("note")}>
        <TextInput value={c.note ?? ""} field="note" disabled={busy} label={t("compose.field.note")} onCommit={set("note")} />
      </Field>

      <section className="compose-links" aria-labelledby="compose-links-title">
        <h4 id="compose-links-title">{t("compose.links")}</h4>
        <ul data-testid="compose-calls">
          {calls.map((l) => (
            <li key={l.path} data-link={`${l.from}->${l.to}`}>
              <span>
                {t("compose.calls")} <code>{l.to}</code>
              </span>
              <button type="button" className="ghost" disabled={busy} onClick={() => void apply({ edit: "unlink", from: l.from, to: l.to })} aria-label={t("compose.unlinkLabel", { from: l.from, to: l.to })}>
                {t("compose.unlink")}
              </button>
            </li>
          ))}
          {calledBy.map((l) => (
            <li key={l.path} data-link={`${l.from}->${l.to}`}>
              <span>
                {t("compose.calledBy")} <code>{l.from}</code>
              </span>
              <button type="button" className="ghost" disabled={busy} onClick={() => void apply({ edit: "unlink", from: l.from, to: l.to })} aria-label={t("compose.unlinkLabel", { from: l.from, to: l.to })}>
                {t("compose.unlink")}
              </button>
            </li>
          ))}
          {calls.length + calledBy.length === 0 && <li className="muted">{t("compose.noLinks")}</li>}
        </ul>
        <div className="row">
          <select ref={target} defaultValue="" aria-label={t("compose.linkTo")} data-testid="compose-link-target">
            <option value="">{t("compose.linkTo")}</option>
            {others.map((x) => (
              <option key={x.id} value={x.id}>
                {titleOf(x)} ({x.id})
              </option>
            ))}
          </select>
          <button
            type="button"
            className="secondary"
            disabled={busy}
            data-testid="compose-link"
            onClick={() => {
              const select = target.current;
              if (!select || select.value === "") return;
              const to = select.value;
              select.value = "";
              void apply({ edit: "link", from: c.id, to });
            }}
          >
            {t("compose.link")}
          </button>
        </div>
      </section>

      <button type="button" className="secondary danger" disabled={busy} data-testid="compose-remove" onClick={() => void apply({ edit: "remove", id: c.id })}>
        {t("compose.remove")}
      </button>
      <datalist id="compose-sites">
        {view.sites.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </datalist>
      <datalist id="compose-operators">
        {view.operators.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </datalist>
    </section>
  );
}

function DeploymentPanel({ view, diagnostics, apply, busy, onSelect }: Props) {
  const { t } = useTranslation();
  const at = (p: string) => diagnostics.filter((d) => d.path === p || d.path.startsWith(`${p}.`) || d.path.startsWith(`${p}[`));
  return (
    <section aria-labelledby="compose-side-title">
      <h3 id="compose-side-title">{view.name}</h3>
      <p className="muted">{t("compose.selectHelp")}</p>
      <ul className="compose-component-list" aria-label={t("compose.components")}>
        {view.components.map((c) => (
          <li key={c.id}>
            <button type="button" className="ghost" onClick={() => onSelect(c.id)} data-select={c.id}>
              {titleOf(c)} <code>{c.id}</code>
            </button>
          </li>
        ))}
      </ul>
      <Field label={t("compose.field.policies")} problems={at("policies")}>
        <TextInput
          value={view.policies.join(", ")}
          field="policies"
          disabled={busy}
          label={t("compose.field.policies")}
          onCommit={(v) => void apply({ edit: "set-policies", policies: v.split(",").map((s) => s.trim()).filter(Boolean) })}
        />
      </Field>
      <SectionEditor section="routing" label={t("compose.field.routing")} value={view.routing} problems={at("routing")} busy={busy} apply={apply} />
      <SectionEditor section="workload" label={t("compose.field.workload")} value={view.workload} problems={at("workload")} busy={busy} apply={apply} />
    </section>
  );
}

function SectionEditor({
  section,
  label,
  value,
  problems,
  busy,
  apply,
}: {
  section: ComposeSection;
  label: string;
  value: string | null;
  problems: DiagnosticView[];
  busy: boolean;
  apply: (edit: ComposeEdit) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(value ?? "");
  useEffect(() => setDraft(value ?? ""), [value]);
  return (
    <Field label={label} problems={problems}>
      <textarea value={draft} rows={6} spellCheck={false} disabled={busy} data-field={section} onChange={(e) => setDraft(e.target.value)} />
      <button
        type="button"
        className="secondary"
        disabled={busy || draft === (value ?? "")}
        onClick={() => void apply({ edit: "set-section", section, yaml: draft.trim() === "" ? null : draft })}
      >
        {t("compose.applySection")}
      </button>
    </Field>
  );
}
