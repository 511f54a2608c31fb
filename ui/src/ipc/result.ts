// The one shape every command's outcome takes on the web side. The generated bindings return
// `{status: "ok", data} | {status: "error", error}`; an error that is not a `WireError` (an
// ACL refusal, a panic) is folded into one with the `runtime` code, so views branch on `code`
// alone and never on message text.
import type { WireError_Serialize as WireError } from "./bindings";

// What the app sends is the `_Serialize` side of each generated type.
export type { WireError_Serialize as WireError, ErrorCode, DiagnosticView_Serialize as DiagnosticView } from "./bindings";

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: WireError };

type Generated<T> = { status: "ok"; data: T } | { status: "error"; error: WireError };

function isWireError(e: unknown): e is WireError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

export function toWireError(e: unknown): WireError {
  if (isWireError(e)) return { ...e, diagnostics: e.diagnostics ?? [] };
  return { code: "runtime", message: e instanceof Error ? e.message : String(e), diagnostics: [] };
}

export async function outcome<T>(call: Promise<Generated<T>>): Promise<Outcome<T>> {
  try {
    const r = await call;
    return r.status === "ok" ? { ok: true, value: r.data } : { ok: false, error: toWireError(r.error) };
  } catch (e) {
    return { ok: false, error: toWireError(e) };
  }
}
