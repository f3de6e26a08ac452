#!/bin/sh
# deps-web.sh - what the web front end needs on top of deps.sh: Debian's chromium and CJK fonts (for the
# browser tests and their screenshots), a Node recent enough for Vite (>= 20.19), and web/node_modules
# installed from the committed web/package-lock.json with `npm ci` when it is missing or older than the
# lock file. Quiet when there is nothing to do. Browsers come from Debian only: never `playwright install`.
set -eu
cd "$(dirname "$0")/.."

sh scripts/deps.sh chromium fonts-noto-cjk

if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
	echo "deps-web: Node $(node --version) is too old; the web build (Vite 8) needs Node 20.19 or later." >&2
	echo "          Debian 12's nodejs is 18: install Node 20+ (Debian 13, or a Node 20/22 package) and retry." >&2
	exit 1
fi

if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
	echo "deps-web: npm ci in web/"
	(cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
