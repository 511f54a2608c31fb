// The Settings page: API keys. A key typed here goes to the OS keychain (Secret Service on
// Linux) through the Rust side and comes back masked; it is never shown in full, never kept in
// the page's state after it is sent, and never written to a file. The page also says which
// conventional environment variables are set (their values are not read).
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import type { WireError } from "../ipc/result";
import * as settingsIpc from "../ipc/settings";
import type { KeyRow, KeysOverview } from "../ipc/settings";

/** Key names the user added beyond the known providers; names are not secrets. */
const EXTRA_KEY = "triplane.keyNames";

function extraNames(): string[] {
  try {
    const v: unknown = JSON.parse(window.localStorage.getItem(EXTRA_KEY) ?? "[]");
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

export function Settings() {
  const { t } = useTranslation();
  const [overview, setOverview] = useState<KeysOverview | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  const [extra, setExtra] = useState<string[]>(extraNames);
  const [newName, setNewName] = useState("");

  const load = useCallback(async (names: string[]) => {
    const r = await settingsIpc.keys(names);
    if (r.ok) {
      setOverview(r.value);
      setError(null);
    } else {
      setError(r.error);
    }
  }, []);

  useEffect(() => void load(extra), [load, extra]);

  function addName() {
    const name = newName.trim();
    if (!name || extra.includes(name)) return;
    const next = [...extra, name];
    window.localStorage.setItem(EXTRA_KEY, JSON.stringify(next));
    setExtra(next);
    setNewName("");
  }

  return (
    <section className="settings" aria-labelledby="settings-title" data-testid="settings">
      <h2 id="settings-title">{t("settings.title")}</h2>
      <p className="muted">{t("settings.lead")}</p>
      {overview?.keychainError && (
        <p className="store-message error" role="alert" data-testid="keychain-error">
          {t("settings.keychainFailed")} <code>{overview.keychainError}</code>
        </p>
      )}
      {error && (
        <p className="store-message error" role="alert">
          {error.message}
        </p>
      )}
      <table className="keys" data-testid="keys">
        <thead>
          <tr>
            <th scope="col">{t("settings.name")}</th>
            <th scope="col">{t("settings.keychain")}</th>
            <th scope="col">{t("settings.env")}</th>
            <th scope="col">{t("settings.change")}</th>
          </tr>
        </thead>
        <tbody>
          {overview?.rows.map((row) => (
            <KeyLine key={row.name} row={row} disabled={!!overview.keychainError} onChanged={() => void load(extra)} />
          ))}
        </tbody>
      </table>
      <form
        className="row keys-add"
        onSubmit={(e) => {
          e.preventDefault();
          addName();
        }}
      >
        <label>
          {t("settings.addName")}
          <input value={newName} data-testid="key-new-name" pattern="[A-Za-z0-9._\-]{1,64}" onChange={(e) => setNewName(e.target.value)} />
        </label>
        <button type="submit" className="secondary">
          {t("settings.add")}
        </button>
      </form>
      <p className="muted">{t("settings.cliHint")}</p>
    </section>
  );
}

function KeyLine({ row, disabled, onChanged }: { row: KeyRow; disabled: boolean; onChanged: () => void }) {
  const { t } = useTranslation();
  const [secret, setSecret] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WireError | null>(null);

  async function act(call: () => ReturnType<typeof settingsIpc.setKey>) {
    setBusy(true);
    const r = await call();
    setBusy(false);
    // The typed key leaves the page's state whatever the outcome.
    setSecret("");
    setError(r.ok ? null : r.error);
    onChanged();
  }

  return (
    <tr data-key={row.name} data-stored={row.key?.stored ?? false}>
      <th scope="row">
        <code>{row.name}</code>
      </th>
      <td data-testid="key-status">
        {row.key?.stored ? (
          <span className="masked" data-testid="key-masked">
            {t("settings.stored", { masked: row.key.masked ?? "••••" })}
          </span>
        ) : (
          <span className="muted">{t("settings.notStored")}</span>
        )}
      </td>
      <td data-testid="key-env">
        {row.envVar ? (
          <>
            <code>{row.envVar}</code> {row.envSet ? t("settings.envSet") : t("settings.envUnset")}
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (secret.trim()) void act(() => settingsIpc.setKey(row.name, secret));
          }}
        >
          <input
            type="password"
            autoComplete="off"
            data-testid="key-input"
            aria-label={t("settings.inputLabel", { name: row.name })}
            placeholder={t("settings.placeholder")}
            value={secret}
            disabled={disabled || busy}
            onChange={(e) => setSecret(e.target.value)}
          />
          <button type="submit" className="primary" data-testid="key-save" disabled={disabled || busy || !secret.trim()}>
            {t("settings.save")}
          </button>
          {row.key?.stored && (
            <button type="button" className="ghost" data-testid="key-delete" disabled={disabled || busy} onClick={() => void act(() => settingsIpc.deleteKey(row.name))}>
              {t("settings.delete")}
            </button>
          )}
        </form>
        {error && (
          <p className="error-text" role="alert">
            {error.message}
          </p>
        )}
      </td>
    </tr>
  );
}
