#!/bin/sh
# build-web.sh - builds the web front end (web/ -> web/dist) with Vite when any of its inputs is newer
# than the last successful build (web/dist/.built), so `make run` costs nothing when nothing changed.
# FORCE=1 builds anyway.
set -eu
cd "$(dirname "$0")/.."

stamp=web/dist/.built
inputs="web/src web/public web/index.html web/vite.config.js web/package.json web/package-lock.json
	data/inner_mongolia_leagues.geojson"
if [ "${FORCE:-0}" != 1 ] && [ -f "$stamp" ]; then
	# shellcheck disable=SC2086
	newer=$(find $inputs -newer "$stamp" -print 2>/dev/null | head -n 1)
	[ -n "$newer" ] || exit 0
fi
echo "build-web: vite build (web/dist)"
rm -f "$stamp"
(cd web && npm run --silent build -- --logLevel warn)
touch "$stamp"
