# shellcheck shell=bash
# Sourced by setup.sh (helpers: step, need, apt_install, $CHECK_ONLY; cwd = project root).
#
# The chat page (`jeju serve`) and its browser test:
#   - the wasm32 target of the Rust toolchain (rustup), for the page's hydration bundle that
#     server/build.rs builds with a nested `cargo build --target wasm32-unknown-unknown`;
#     without it the page still works as server-rendered forms (build.rs warns).
#   - Debian's chromium and chromium-driver, which the end-to-end test drives headless
#     (server/tests/browser.rs, through fantoccini and chromedriver), and Noto CJK fonts so
#     its screenshots show Korean text.
#   - axe-core (npm, pinned by web/e2e/package-lock.json) in web/e2e/node_modules: the browser
#     test injects it to check the page's accessibility. Node.js and npm come from Debian when
#     the machine lacks them.

step "web: wasm32 target, headless Chromium"
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "wasm32-unknown-unknown: installed"
elif [ "$CHECK_ONLY" = 1 ]; then
  need "rustup target wasm32-unknown-unknown"
elif command -v rustup >/dev/null; then
  rustup target add wasm32-unknown-unknown \
    || echo "warning: could not add the wasm32 target: the page will work without hydration"
else
  echo "warning: rustup not found: the page will work without hydration"
fi
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  /usr/bin/chromium --version 2>/dev/null | head -1
else
  apt_install chromium chromium-driver fonts-noto-cjk fonts-noto-color-emoji
  /usr/bin/chromium --version 2>/dev/null | head -1 || need "Debian packages chromium chromium-driver"
fi

step "web: axe-core for the browser test's accessibility check"
AXE=web/e2e/node_modules/axe-core/axe.min.js
if [ -f "$AXE" ]; then
  echo "axe-core $(node -p 'require("./web/e2e/node_modules/axe-core/package.json").version' 2>/dev/null)"
elif [ "$CHECK_ONLY" = 1 ]; then
  need "axe-core (npm ci --prefix web/e2e)"
else
  command -v npm >/dev/null || apt_install nodejs npm
  npm ci --prefix web/e2e --no-audit --no-fund
  [ -f "$AXE" ] || need "axe-core in web/e2e/node_modules"
fi
