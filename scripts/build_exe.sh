#!/usr/bin/env bash
# Build the one-folder and one-file executables into dist/ (see build_exe.spec).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m PyInstaller --noconfirm --clean build_exe.spec
