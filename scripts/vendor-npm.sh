#!/usr/bin/env bash
# Vendor files of an npm package into the repository, with its licence and version recorded.
#
#   scripts/vendor-npm.sh PACKAGE VERSION DEST_DIR FILE...
#
# FILE paths are inside the package (e.g. dist/socket.io.min.js); each is copied to DEST_DIR under
# its base name, with the package's LICENSE and a VERSION file ("PACKAGE x.y.z").
# Needs npm (it fetches the package tarball with `npm pack`; nothing is installed).
set -euo pipefail

[ $# -ge 4 ] || { echo "usage: $0 PACKAGE VERSION DEST_DIR FILE..." >&2; exit 2; }
package="$1"; version="$2"; vendor_dir="$3"; shift 3
command -v npm >/dev/null 2>&1 || { echo "error: npm is required" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$package@$version" >/dev/null)
tar -xzf "$(ls "$tmp"/*.tgz)" -C "$tmp"

pkg="$tmp/package"
resolved="$(node -p "require('$pkg/package.json').version" 2>/dev/null \
  || sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$pkg/package.json" | head -n1)"

for f in "$@" LICENSE; do
  [ -f "$pkg/$f" ] || { echo "error: $f missing from $package@$resolved" >&2; exit 1; }
done

mkdir -p "$vendor_dir"
for f in "$@" LICENSE; do
  cp "$pkg/$f" "$vendor_dir/$(basename "$f")"
done
printf '%s %s\n' "$package" "$resolved" > "$vendor_dir/VERSION"
echo "vendored $package $resolved into $vendor_dir"
