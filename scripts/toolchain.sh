#!/usr/bin/env bash
# Brings this project's pinned Node.js and pnpm into .toolchain/, using only the machine's npm and the
# npm registry (the `node-linux-<arch>` package ships the Node binary). Idempotent: a second run is a no-op.
set -euo pipefail
NODE_VERSION=26.10.0
PNPM_VERSION=12.21.0
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tc="$root/.toolchain"
stamp="$tc/.stamp-$NODE_VERSION-$PNPM_VERSION"
if [ ! -f "$stamp" ]; then
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64|arm64) arch=arm64 ;;
    *) echo "toolchain: unsupported machine $(uname -m)" >&2; exit 1 ;;
  esac
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  echo "toolchain: installing Node.js $NODE_VERSION and pnpm $PNPM_VERSION into .toolchain/" >&2
  rm -rf "$tc" && mkdir -p "$tc/bin"
  npm install --prefix "$tc" --no-save --no-audit --no-fund --no-package-lock --ignore-scripts --loglevel=error \
    "node-$os-$arch@$NODE_VERSION" "pnpm@$PNPM_VERSION" >&2
  ln -sf "../node_modules/node-$os-$arch/bin/node" "$tc/bin/node"
  cat > "$tc/bin/pnpm" <<SH
#!/usr/bin/env bash
exec "$tc/bin/node" "$tc/node_modules/pnpm/bin/pnpm.mjs" "\$@"
SH
  chmod +x "$tc/bin/pnpm"
  touch "$stamp"
fi
