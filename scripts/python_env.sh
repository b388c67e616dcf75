# Sourced by scripts/serve and scripts/test (from the repository root): make sure .venv exists and was
# made with the Python pyproject.toml asks for, before anything is installed into it. A .venv made with
# another Python, or left broken by an interrupted first run, is rebuilt rather than reused for ever.
# PYTHON=/path/to/python3.11 picks the interpreter; TORCH_INDEX_URL picks where PyTorch comes from.

required_python() {  # "3.11" from requires-python = ">=3.11,<3.12"
  sed -n 's/^requires-python *= *">=\([0-9]*\.[0-9]*\).*/\1/p' pyproject.toml
}

python_version() {  # "3.12" for an interpreter that runs, nothing otherwise
  "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

find_python() {  # the interpreter to make .venv with, or an explanation on stderr and failure
  local want=$1 py have found=""
  local candidates=("python$want" python3 python)
  [ -n "${PYTHON:-}" ] && candidates=("$PYTHON")
  for py in "${candidates[@]}"; do
    command -v "$py" >/dev/null 2>&1 || continue
    have=$(python_version "$py") || have=""
    if [ "$have" = "$want" ]; then
      echo "$py"
      return 0
    fi
    found="$found $py (Python ${have:-that does not run})"
  done
  {
    echo "GradLab needs Python $want (pyproject.toml: requires-python); found:${found:- no Python at all}."
    [ -n "${PYTHON:-}" ] && echo "PYTHON=$PYTHON is not Python $want."
    echo "Install Python $want (Debian/Ubuntu: sudo apt-get install python$want python$want-venv;"
    echo "elsewhere: https://www.python.org/downloads/, pyenv install $want or uv python install $want),"
    echo "then run this again, or name it: PYTHON=/path/to/python$want $0"
  } >&2
  return 1
}

ensure_venv() {
  local want have py
  want=$(required_python)
  if [ -e .venv ]; then
    have=$(python_version .venv/bin/python) || have=""
    if [ "$have" = "$want" ] && .venv/bin/python -m pip --version >/dev/null 2>&1; then
      return 0
    fi
    if [ -n "$have" ] && [ "$have" != "$want" ]; then
      echo "GradLab: .venv was made with Python $have, GradLab needs $want: rebuilding it." >&2
    else
      echo "GradLab: .venv is broken (no working .venv/bin/python or pip): rebuilding it." >&2
    fi
    rm -rf .venv
  fi
  py=$(find_python "$want") || return 1
  echo "GradLab: making .venv with $py (Python $want)." >&2
  if ! "$py" -m venv .venv; then
    rm -rf .venv
    echo "GradLab: $py could not make a virtual environment; on Debian/Ubuntu: sudo apt-get install python$want-venv" >&2
    return 1
  fi
}

# PyTorch from its CPU wheel index unless told otherwise: GradLab computes on the CPU, and the default
# (PyPI) build on Linux brings ~3 GB of CUDA libraries. TORCH_INDEX_URL= (empty) keeps pip's own index.
ensure_torch() {
  local pin index=${TORCH_INDEX_URL-https://download.pytorch.org/whl/cpu}
  pin=$(sed -n 's/^ *"\(torch==[^"]*\)".*/\1/p' pyproject.toml)
  .venv/bin/python -c 'import torch' >/dev/null 2>&1 && return 0
  [ -n "$index" ] || return 0
  echo "GradLab: installing $pin from $index (about 200 MB; TORCH_INDEX_URL= uses pip's own index)." >&2
  # torch alone from there; its own dependencies come with GradLab's from pip's index (an index that
  # cannot be reached is then asked once, not once per dependency)
  .venv/bin/python -m pip install -q --no-deps --index-url "$index" "$pin"
}
