#!/bin/sh
# Pins the image's dependencies (deploy/requirements.lock, installed by the Dockerfile with
# --require-hashes) to the versions installed here, the ones the test suite and the
# benchmarks ran on. Run it from a checkout after `pip install -e '.[test]'` and a green
# test run, with uv installed (`pip install uv`):   sh deploy/lock.sh
# Python 3.11.7 on x86-64 Linux: the Dockerfile's base image, and the machine measured.
set -eu
cd "$(dirname "$0")/.."
tested=$(mktemp)
trap 'rm -f "$tested"' EXIT
python -m pip freeze --exclude-editable | grep -v ' @ ' > "$tested"
uv pip compile pyproject.toml --constraint "$tested" \
    --python-version 3.11.7 --python-platform x86_64-unknown-linux-gnu \
    --generate-hashes --no-annotate --quiet \
    --custom-compile-command "sh deploy/lock.sh" \
    -o deploy/requirements.lock
