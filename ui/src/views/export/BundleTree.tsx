// The bundle's files grouped by component folder (the folder whose README covers them), and
// the selected file's content with its size and hash, under its folder's README.
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import type { BundleFileView } from "../../ipc/export";

type Group = { folder: string; readme: BundleFileView | null; files: BundleFileView[] };

function groups(files: BundleFileView[]): Group[] {
  const byFolder = new Map<string, Group>();
  for (const f of files) {
    const g = byFolder.get(f.folder) ?? { folder: f.folder, readme: null, files: [] };
    if (f.path === (f.folder ? `${f.folder}/README.md` : "README.md")) g.readme = f;
    g.files.push(f);
    byFolder.set(f.folder, g);
  }
  // The top-level files first, then the component folders in path order.
  return [...byFolder.values()].sort((a, b) => (a.folder === "" ? -1 : b.folder === "" ? 1 : a.folder.localeCompare(b.folder)));
}

export function BundleTree({ files }: { files: BundleFileView[] }) {
  const { t, i18n } = useTranslation();
  const grouped = useMemo(() => groups(files), [files]);
  const [selected, setSelected] = useState<string>(() => files.find((f) => f.path === "README.md")?.path ?? files[0]?.path ?? "");
  const file = files.find((f) => f.path === selected) ?? files[0];
  const group = grouped.find((g) => g.folder === file?.folder);
  const n = new Intl.NumberFormat(i18n.language);

  return (
    <div className="bundle">
      <nav className="bundle-tree" aria-label={t("export.files")} data-testid="bundle-tree">
        {grouped.map((g) => (
          <div key={g.folder} className="bundle-folder" data-folder={g.folder}>
            <p className="bundle-folder-name">{g.folder === "" ? t("export.topLevel") : `${g.folder}/`}</p>
            <ul>
              {g.files.map((f) => (
                <li key={f.path}>
                  <button
                    type="button"
                    data-path={f.path}
                    data-sha256={f.sha256}
                    aria-current={f.path === file?.path}
                    onClick={() => setSelected(f.path)}
                  >
                    {g.folder ? f.path.slice(g.folder.length + 1) : f.path}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      {file && (
        <div className="bundle-file" data-testid="bundle-file" data-path={file.path}>
          <p className="bundle-file-head">
            <code>{file.path}</code>
            <span className="muted">
              {t("export.bytes", { count: file.bytes, n: n.format(file.bytes) })}
              {file.executable ? ` · ${t("export.executable")}` : ""}
            </span>
          </p>
          <p className="muted small hash">{file.sha256}</p>
          <pre data-testid="bundle-file-text">{file.text}</pre>
          {group?.readme && group.readme.path !== file.path && (
            <details className="bundle-readme" open>
              <summary>{t("export.readmeOf", { folder: group.folder === "" ? t("export.topLevel") : group.folder })}</summary>
              <pre>{group.readme.text}</pre>
            </details>
          )}
        </div>
      )}
    </div>
  );
}
