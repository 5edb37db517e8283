#!/usr/bin/env bash
# Builds the one native module the project needs (better-sqlite3, used by the reference backend)
# from source against the running Node's own headers. The repository's .npmrc turns install scripts
# off (see there), so a plain `npm install` leaves it unbuilt; nothing here downloads a binary.
set -euo pipefail
cd "$(dirname "$0")/.."

if node -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null; then
	echo "better-sqlite3 is built for Node $(node -v)."
	exit 0
fi

# Point node-gyp at the headers that ship with this Node when they are there, so it never
# tries to fetch them.
node_prefix=$(node -p "require('path').resolve(process.execPath, '..', '..')")
if [ -f "$node_prefix/include/node/node.h" ]; then
	export npm_config_nodedir="$node_prefix"
fi

echo "Building better-sqlite3 from source for Node $(node -v) ..."
# prebuild-install, which better-sqlite3 runs first, skips its download when asked to build.
npm_config_build_from_source=true npm rebuild better-sqlite3 --ignore-scripts=false
node -e "new (require('better-sqlite3'))(':memory:').close()"
echo "better-sqlite3 is built."
