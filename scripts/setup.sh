#!/usr/bin/env bash
# hetbench set-up: npm dependencies from the lock file, a build, and a WebGPU adapter.
#
# Idempotent and quiet when everything is already in place. It never touches the system of a
# machine that already has a WebGPU adapter. Where none exists and the machine is Debian or
# Ubuntu with root, it installs Mesa's software Vulkan driver (lavapipe); elsewhere it prints
# what to install. The archive address for Debian backports is taken from the machine's own
# apt configuration, never written here.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"

# 1. npm dependencies, exactly as locked. Skipped when node_modules already matches the lock.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 2. Build (the CLI runs from dist/).
npm run --silent build

has_adapter() { node dist/src/cli/main.js doctor --quiet >/dev/null 2>&1; }

# 3. A WebGPU adapter. Dawn's node bindings find one only through Vulkan on Linux.
if has_adapter; then
  [ -n "${HETBENCH_SETUP_VERBOSE:-}" ] && say "WebGPU adapter present"
else
  if [ "$(uname -s)" != Linux ] || [ ! -r /etc/os-release ]; then
    die "no WebGPU adapter found. Install a Vulkan driver for your GPU (or Mesa's lavapipe) and rerun."
  fi
  # shellcheck disable=SC1091
  . /etc/os-release
  hint="install Mesa's Vulkan drivers (>= 23) and the Vulkan loader: apt-get install mesa-vulkan-drivers libvulkan1 (on Debian 12 from bookworm-backports)"
  case " ${ID:-} ${ID_LIKE:-} " in
    *" debian "*|*" ubuntu "*) ;;
    *) die "no WebGPU adapter found and this is not Debian/Ubuntu; $hint" ;;
  esac
  [ "$(id -u)" = 0 ] || die "no WebGPU adapter found; as root, $hint (or run 'sudo npm run setup')"
  export DEBIAN_FRONTEND=noninteractive
  apt_target=()
  if [ "${ID:-}" = debian ] && [ "${VERSION_CODENAME:-}" = bookworm ]; then
    # bookworm's own Mesa (22.3) is rejected by Dawn; Mesa 25 comes from bookworm-backports.
    if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      uri=$(bash scripts/apt-archive-uri.sh) || die "cannot find the Debian archive address in this machine's apt configuration; add bookworm-backports by hand, then rerun"
      say "enabling bookworm-backports from the machine's own archive"
      printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" \
        > /etc/apt/sources.list.d/hetbench-backports.sources
    fi
    apt_target=(-t bookworm-backports)
  fi
  say "installing Mesa's software Vulkan driver (lavapipe)"
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${apt_target[@]}" mesa-vulkan-drivers libvulkan1 >/dev/null
  has_adapter || die "still no WebGPU adapter after installing lavapipe; run 'node dist/src/cli/main.js doctor' for details"
  say "WebGPU adapter ready (software: lavapipe)"
fi

# --- 4. Headless Chromium for the HTML report and browser tests (issues 7, 16) ------------------
# test/spawn/html-chromium.test.ts loads the report page in Debian's `chromium` and screenshots
# it; test/browser/ runs the page `hetbench serve` serves in it (playwright-core drives this
# binary: no browser download; WebGPU through --enable-unsafe-webgpu, SwiftShader without a GPU).
# Only installed as root on Debian/Ubuntu when missing; elsewhere a one-line hint. Neither the
# HTML report nor the CLI needs a browser, so a failure here warns instead of stopping set-up.
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  chromium_hint="install Debian's chromium (apt-get install chromium) or set CHROMIUM=/path/to/chromium for the HTML and browser tests"
  if [ "$(uname -s)" = Linux ] && [ -r /etc/os-release ] && [ "$(id -u)" = 0 ] \
    && grep -qsE '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release; then
    say "installing headless Chromium for the HTML report and browser tests"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; then
      apt-get update -qq >/dev/null 2>&1 || true
      apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 \
        || say "warning: could not install chromium; $chromium_hint"
    fi
  else
    say "note: no /usr/bin/chromium; $chromium_hint"
  fi
fi
# --- end of section 4 ----------------------------------------------------------------------------
