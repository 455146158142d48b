#!/usr/bin/env bash
# Packs @nest-auth/mfa and proves the tarball works for its consumers: each app under
# test/consumers/ is copied to a temp dir, installs the tarball plus its own deps from the
# registry, type-checks with moduleResolution nodenext and bundler, and runs its e2e.
#   test/consumers/run.sh               every consumer
#   test/consumers/run.sh nest11-cjs    only the named ones
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/nest-auth-mfa-consumers.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [ $# -gt 0 ]; then
  consumers=("$@")
else
  consumers=()
  for dir in "$here"/*/; do consumers+=("$(basename "$dir")"); done
fi

cd "$root"
npm run build
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"
echo "packed $tarball"

for consumer in "${consumers[@]}"; do
  echo "::group::consumer $consumer"
  app="$work/$consumer"
  mkdir -p "$app"
  # Copy the sources only: a developer's local node_modules or build output must not leak in.
  tar -C "$here/$consumer" --exclude=node_modules --exclude=dist -cf - . | tar -C "$app" -xf -
  (
    cd "$app"
    npm install --no-audit --no-fund --prefer-offline --loglevel=error "$tarball"
    node -p "['@nestjs/core', '@nest-auth/mfa', 'typescript'].map((name) => name + '@' + JSON.parse(require('fs').readFileSync('node_modules/' + name + '/package.json', 'utf8')).version).join(', ') + ' on Node ' + process.version"
    npm run typecheck
    npm run build --if-present
    npm test
  )
  echo "::endgroup::"
  echo "consumer $consumer: ok"
done
