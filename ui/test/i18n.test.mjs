// Language check: every key exists in English and French, no French string is left equal to
// its English one unless it is on the allow-list below (product names, units, words that are
// the same in both languages), and every key the code asks for exists.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, "..", "src");
/** A language's catalog: every `i18n/<lang>/*.json` merged; a top-level key defined twice fails. */
const load = (lang) => {
  const dir = join(src, "i18n", lang);
  const out = {};
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const part = JSON.parse(readFileSync(join(dir, f), "utf8"));
    for (const k of Object.keys(part)) {
      if (k in out) throw new Error(`i18n/${lang}/${f} defines \`${k}\` again`);
      out[k] = part[k];
    }
  }
  return out;
};

/** Keys whose French text may equal the English one, each with the reason. */
export const SAME_IN_BOTH = new Map([
  ["app.title", "product name"],
  ["kind.tunnel", "the French word is `tunnel`"],
  ["component.site", "the French word is `site`"],
  ["exposure.sources", "the French word is `sources`"],
  ["simulation.title", "the French word is `simulation`"],
  ["tabs.simulation", "the French word is `simulation`"],
]);

/** Flattens nested catalogs to `a.b.c` → string. */
export function flatten(obj, prefix = "", out = new Map()) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else flatten(v, key, out);
  }
  return out;
}

/** The problems between two catalogs, as sentences. */
export function problems(en, fr, allow = SAME_IN_BOTH) {
  const out = [];
  for (const k of en.keys()) if (!fr.has(k)) out.push(`missing in fr: ${k}`);
  for (const k of fr.keys()) if (!en.has(k)) out.push(`missing in en: ${k}`);
  for (const [k, v] of fr) {
    if (en.get(k) === v && !allow.has(k)) out.push(`fr equals en for ${k}: "${v}"`);
    if (en.has(k) && en.get(k) !== v && allow.has(k)) out.push(`${k} is allow-listed but now differs; remove it`);
  }
  for (const [k, v] of en) {
    const vars = (s) => [...s.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort().join(",");
    if (fr.has(k) && vars(v) !== vars(fr.get(k))) out.push(`placeholders differ for ${k}`);
  }
  return out;
}

test("the checker itself flags a missing key and an untranslated string", () => {
  const en = new Map([["a", "Open"], ["b", "Close"]]);
  const fr = new Map([["a", "Open"]]);
  const found = problems(en, fr, new Map());
  assert.deepEqual(found, ["missing in fr: b", 'fr equals en for a: "Open"']);
});

test("English and French have the same keys and French is translated", () => {
  assert.deepEqual(problems(flatten(load("en")), flatten(load("fr"))), []);
});

function sources(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(f) ? [p] : [];
  });
}

test("every literal key the code asks for exists in English", () => {
  const en = flatten(load("en"));
  const plural = (k) => en.has(`${k}_one`) && en.has(`${k}_other`);
  const missing = [];
  for (const file of sources(src)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\bt\(\s*"([a-zA-Z][\w.-]*)"/g)) {
      if (!en.has(m[1]) && !plural(m[1])) missing.push(`${file}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});

/** The string-union types of the generated bindings whose every value the UI translates. */
const TRANSLATED_UNIONS = {
  Lane: "lane",
  ExposureStatusView: "status",
  VisibilityView: "visibility",
  ChainRoleView: "role",
  ErrorCode: "error",
};

test("every value of a generated enum has a label in both languages", () => {
  const bindings = readFileSync(join(src, "ipc", "bindings.ts"), "utf8");
  const en = flatten(load("en"));
  const fr = flatten(load("fr"));
  const missing = [];
  for (const [type, prefix] of Object.entries(TRANSLATED_UNIONS)) {
    const m = bindings.match(new RegExp(`export type ${type} =([^;]+);`));
    assert.ok(m, `bindings.ts defines ${type}`);
    const values = [...m[1].matchAll(/"([^"]+)"/g)].map((v) => v[1]);
    assert.ok(values.length > 0, `${type} has values`);
    for (const v of values) {
      for (const [lang, cat] of [["en", en], ["fr", fr]]) {
        if (!cat.has(`${prefix}.${v}`)) missing.push(`${lang}: ${prefix}.${v}`);
      }
    }
  }
  assert.deepEqual(missing, []);
});
