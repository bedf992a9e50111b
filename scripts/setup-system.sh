#!/usr/bin/env bash
# Installs the Debian packages that the tests need and npm does not bring: Chromium for the
# browser tests, R with rmarkdown and pandoc for the real report render, shiny, htmltools,
# jsonlite and openssl for the Shiny demo and its token helper, and redis-server for the tests
# of gateway replicas, which start their own server. Installs with apt when it can (root and
# apt-get present); otherwise prints the command to run and fails.
set -euo pipefail

r_packages=(rmarkdown shiny htmltools jsonlite openssl)
packages=(chromium r-base-core pandoc redis-server "${r_packages[@]/#/r-cran-}")

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v Rscript >/dev/null 2>&1 || missing+=(r-base-core)
# Debian ships the R package NAME as the Debian package r-cran-NAME.
for r_package in "${r_packages[@]}"; do
  if ! command -v Rscript >/dev/null 2>&1 ||
    ! Rscript -e "quit(status = if (requireNamespace('$r_package', quietly = TRUE)) 0 else 1)" >/dev/null 2>&1; then
    missing+=("r-cran-$r_package")
  fi
done
command -v pandoc >/dev/null 2>&1 || missing+=(pandoc)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: ${packages[*]} are installed"
  exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing ${missing[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  echo "setup: installed ${missing[*]}"
  exit 0
fi

echo "setup: missing Debian packages: ${missing[*]}" >&2
echo "setup: install them, then run the tests again:" >&2
echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
exit 1
