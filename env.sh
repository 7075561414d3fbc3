# Source this file (`source ./env.sh`) to set up the project and put its pinned Node.js and pnpm on PATH.
# A fresh machine needs only bash and npm: the first run installs the toolchain and the dependencies.
__flux_root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$__flux_root/scripts/toolchain.sh" || return 1 2>/dev/null || exit 1
export PATH="$__flux_root/.toolchain/bin:$PATH"
(cd "$__flux_root" && pnpm install --frozen-lockfile --reporter=append-only >/dev/null) || { echo "env.sh: pnpm install failed" >&2; return 1 2>/dev/null || exit 1; }
unset __flux_root
