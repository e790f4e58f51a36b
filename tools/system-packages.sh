#!/usr/bin/env bash
# Installs the Debian packages the workbench needs that pip cannot provide, when they are missing:
#   libcairo2 + fonts-dejavu-core  draw the diagrams of the DOCX export (cairosvg), Cyrillic included
#   chromium                       runs the browser tests (Playwright drives Debian's build; nothing downloads a browser)
#   libreoffice-writer-nogui       prints the DOCX documents to PDF: the layout tests (tests/workbench/test_document_layout.py)
#   poppler-utils                  reads those PDFs back (pdftotext -bbox-layout, pdfimages) in the same tests
# Usage: tools/system-packages.sh PACKAGE...   (as root, or with password-less sudo; otherwise it says what to install)
set -euo pipefail

missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "system packages missing: ${missing[*]} (not a Debian system: install their equivalents)" >&2
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  run=()
elif sudo -n true 2>/dev/null; then
  run=(sudo -n)
else
  echo "system packages missing: ${missing[*]}; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 0
fi
echo "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get install -y -q "${missing[@]}" >/dev/null \
  || { "${run[@]}" apt-get update -q >/dev/null && "${run[@]}" apt-get install -y -q "${missing[@]}" >/dev/null; }
