#!/usr/bin/env bash
# `make css`: copies the NL Design System component CSS from npm into static/, where
# collectstatic and whitenoise serve it like every other file (no CDN; ADR 0007 §11).
# The copy is committed, so running or testing toolKID needs no npm; this script only runs when
# the version in package-lock.json changes. The header names package, version and licence;
# tests/toolkid/test_nlds_css.py holds it to package-lock.json and the body to the npm file.
set -euo pipefail
cd "$(dirname "$0")/.."

package=@utrecht/component-library-css
source="node_modules/$package/dist/index.css"
target=static/vendor/nlds/utrecht-components.css

if [[ ! -f $source ]]; then
  echo "build-css: $source ontbreekt; voer eerst 'npm ci' uit (of 'make css')." >&2
  exit 1
fi
version=$(node -p "require('./node_modules/$package/package.json').version")
licence=$(node -p "require('./node_modules/$package/package.json').license")

mkdir -p "$(dirname "$target")"
{
  printf '/*! %s %s (%s): copied by scripts/build-css.sh from %s; do not edit. */\n' \
    "$package" "$version" "$licence" "$source"
  cat "$source"
} >"$target.tmp"
mv "$target.tmp" "$target"
echo "build-css: $target <- $package $version ($licence)"
