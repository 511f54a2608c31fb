#!/usr/bin/env bash
# Installs the LiteLLM proxy (pinned, with its proxy companions) that the router system test
# boots into a cached virtualenv; prints its path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/cached-venv.sh" litellm "$here/litellm-requirements.txt"
