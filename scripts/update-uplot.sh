#!/usr/bin/env bash
# Refresh the vendored uPlot chart library used by the reports page and the live dashboard.
#
#   scripts/update-uplot.sh            # latest release
#   scripts/update-uplot.sh 1.6.32     # a given version
#
# Writes console/static/vendor/uplot/{uPlot.iife.min.js,uPlot.min.css,LICENSE,VERSION}.
# Needs npm (it fetches the package tarball with `npm pack`; nothing is installed).
set -euo pipefail

version="${1:-latest}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor_dir="$repo_root/console/static/vendor/uplot"

command -v npm >/dev/null 2>&1 || { echo "error: npm is required" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "uplot@$version" >/dev/null)
tarball="$(ls "$tmp"/uplot-*.tgz)"
tar -xzf "$tarball" -C "$tmp"

pkg="$tmp/package"
resolved="$(node -p "require('$pkg/package.json').version" 2>/dev/null \
  || sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$pkg/package.json" | head -n1)"

for f in dist/uPlot.iife.min.js dist/uPlot.min.css LICENSE; do
  [ -f "$pkg/$f" ] || { echo "error: $f missing from uplot@$resolved" >&2; exit 1; }
done

mkdir -p "$vendor_dir"
cp "$pkg/dist/uPlot.iife.min.js" "$vendor_dir/uPlot.iife.min.js"
cp "$pkg/dist/uPlot.min.css" "$vendor_dir/uPlot.min.css"
cp "$pkg/LICENSE" "$vendor_dir/LICENSE"
printf 'uplot %s\n' "$resolved" > "$vendor_dir/VERSION"

echo "vendored uPlot $resolved into ${vendor_dir#"$repo_root"/}"
