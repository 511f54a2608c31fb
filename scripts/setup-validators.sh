#!/usr/bin/env bash
# Installs the offline checkers the export system tests run (kubernetes-validate,
# check-jsonschema) and PyPI `mcp` for the test MCP server into a cached virtualenv; prints
# its path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/cached-venv.sh" validators "$here/validators-requirements.txt"
