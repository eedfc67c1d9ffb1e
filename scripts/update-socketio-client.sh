#!/usr/bin/env bash
# Refresh the vendored socket.io-client browser bundle used by the widget and the agent console.
#
#   scripts/update-socketio-client.sh            # latest release
#   scripts/update-socketio-client.sh 4.8.1      # a given version
#
# Writes widget/vendor/socket.io.min.js, widget/vendor/LICENSE and widget/vendor/VERSION.
# Needs npm (it fetches the package tarball with `npm pack`; nothing is installed).
set -euo pipefail

version="${1:-latest}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor_dir="$repo_root/widget/vendor"

command -v npm >/dev/null 2>&1 || { echo "error: npm is required" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "socket.io-client@$version" >/dev/null)
tarball="$(ls "$tmp"/socket.io-client-*.tgz)"
tar -xzf "$tarball" -C "$tmp"

pkg="$tmp/package"
resolved="$(node -p "require('$pkg/package.json').version" 2>/dev/null \
  || sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$pkg/package.json" | head -n1)"

for f in dist/socket.io.min.js LICENSE; do
  [ -f "$pkg/$f" ] || { echo "error: $f missing from socket.io-client@$resolved" >&2; exit 1; }
done

mkdir -p "$vendor_dir"
cp "$pkg/dist/socket.io.min.js" "$vendor_dir/socket.io.min.js"
cp "$pkg/LICENSE" "$vendor_dir/LICENSE"
printf 'socket.io-client %s\n' "$resolved" > "$vendor_dir/VERSION"

echo "vendored socket.io-client $resolved into ${vendor_dir#"$repo_root"/}"
