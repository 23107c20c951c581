# shellcheck shell=bash
# Sourced by setup.sh (helpers: step, need, apt_install, $CHECK_ONLY; cwd = project root).
#
# The shared session store (JEJU_SESSION_STORE=redis://…): Debian's redis-server, which the
# server's tests start on a free loopback port (server/tests/sessions.rs) to check that a
# conversation continues after a restart and on a second server process. `jeju serve` does
# not need it: without JEJU_SESSION_STORE conversations stay in the process.

step "sessions: redis-server (for the shared-store tests)"
if command -v redis-server >/dev/null; then
  redis-server --version | head -1
else
  apt_install redis-server
  redis-server --version | head -1 || need "Debian package redis-server"
fi
