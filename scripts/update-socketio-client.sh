#!/usr/bin/env bash
# Refresh the vendored socket.io-client browser bundle used by the widget and the agent console.
#
#   scripts/update-socketio-client.sh            # latest release
#   scripts/update-socketio-client.sh 4.8.1      # a given version
#
# Writes widget/vendor/socket.io.min.js, widget/vendor/LICENSE and widget/vendor/VERSION.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/vendor-npm.sh" socket.io-client "${1:-latest}" "$here/../widget/vendor" dist/socket.io.min.js
