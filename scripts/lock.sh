#!/bin/sh
# Regenerate the lock files from pyproject.toml, every package pinned with the hashes of all its
# files, for Python 3.11 on any platform (--universal: the markers stay, so one lock serves x86_64
# and aarch64 Linux alike). Run after changing a dependency in pyproject.toml; commit both files.
#   requirements.lock       the dependencies and the `test` extra (make install, production)
#   requirements-node.lock  the `node` extra (npm for scripts/vendor.sh), installed by make install
#                           only where the machine has no npm; constrained by requirements.lock
# Existing pins are kept where they still fit; `sh scripts/lock.sh --upgrade` moves every
# transitive package to its latest release (the direct ones stay as pyproject.toml pins them).
# uv resolves (pip-compile takes minutes where uv takes seconds); it is installed into a
# throwaway venv, so the project's own venv never depends on it.
set -eu
cd "$(dirname "$0")/.."
args="$*"
UV_VERSION=0.13.8
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet "uv==$UV_VERSION"
uv="$work/venv/bin/uv"
compile() {
  "$uv" pip compile --quiet --universal --python-version 3.11 --generate-hashes \
    --custom-compile-command "sh scripts/lock.sh" $args "$@"
}

compile pyproject.toml --extra test -o requirements.lock
# The node extra alone: pyproject.toml names it, uv resolves what it pulls in.
python3 -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["node"]))' \
  > "$work/node.in"
compile "$work/node.in" -c requirements.lock -o requirements-node.lock
# The temporary input's path means nothing to a reader of the lock.
sed -i "s|$work/node.in|pyproject.toml (the node extra)|" requirements-node.lock
