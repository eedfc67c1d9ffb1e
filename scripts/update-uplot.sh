#!/usr/bin/env bash
# Refresh the vendored uPlot chart library used by the reports page and the live dashboard.
#
#   scripts/update-uplot.sh            # latest release
#   scripts/update-uplot.sh 1.6.32     # a given version
#
# Writes console/static/vendor/uplot/{uPlot.iife.min.js,uPlot.min.css,LICENSE,VERSION}.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/vendor-npm.sh" uplot "${1:-latest}" "$here/../console/static/vendor/uplot" \
  dist/uPlot.iife.min.js dist/uPlot.min.css
