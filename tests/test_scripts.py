"""scripts/serve and scripts/test check the Python before they build .venv (issue 14 item 12).

Each case runs the real script in a copy of the repository's scripts and pyproject.toml, with a PATH
holding only fake interpreters (shell scripts that report a version and log what they are asked to
do) and the few system tools the scripts use, so no real Python, pip or network is involved."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ["bash", "sed", "rm", "mkdir", "dirname", "basename", "cat", "cp", "chmod", "id", "touch"]

# A fake interpreter: `-c` prints its version (or imports torch once pip installed it); `-m venv DIR`
# makes DIR/bin/python, a fake of the same version, and DIR/bin/gradlab (unless VENV_FAILS);
# `-m pip ...` succeeds; every call is logged.
FAKE = """#!/bin/bash
echo "$(basename "$0") $*" >> "$LOG"
case "$1" in
  -c) case "$2" in
        *torch*) [ -e "$(dirname "$0")/torch" ] || exit 1 ;;
        *) echo "{version}" ;;
      esac ;;
  -m) case "$2" in
        venv) mkdir -p "$3/bin"; [ -n "${{VENV_FAILS:-}}" ] && exit 1
              cp "$0" "$3/bin/python"; printf '#!/bin/bash\\necho "gradlab $*" >> "$LOG"\\n' > "$3/bin/gradlab"
              chmod +x "$3/bin/gradlab" ;;
        pip) case "$*" in *torch==*) touch "$(dirname "$0")/torch" ;; esac ;;
      esac ;;
esac
"""


def fake(directory: Path, name: str, version: str) -> Path:
    path = directory / name
    path.write_text(FAKE.format(version=version))
    path.chmod(0o755)
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "scripts", root / "scripts", ignore=shutil.ignore_patterns("plotly_bundle"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in TOOLS:
        (tools / tool).symlink_to(shutil.which(tool))  # type: ignore[arg-type]
    (tmp_path / "bin").mkdir()
    return root


def run(repo: Path, script: str = "serve", **env: str) -> subprocess.CompletedProcess[str]:
    path = f"{repo.parent / 'bin'}:{repo.parent / 'tools'}"
    return subprocess.run([str(repo.parent / "tools" / "bash"), str(repo / "scripts" / script), "--port", "9"],
                          env={"PATH": path, "HOME": str(repo.parent), "LOG": str(repo.parent / "log"), **env},
                          capture_output=True, text=True, timeout=60)


def log(repo: Path) -> list[str]:
    path = repo.parent / "log"
    return path.read_text().splitlines() if path.exists() else []


@pytest.mark.parametrize("script", ["serve", "test"])
def test_the_wrong_python_is_refused_before_a_venv_is_made(repo, script):
    fake(repo.parent / "bin", "python3", "3.12")
    result = run(repo, script)
    assert result.returncode != 0
    assert "GradLab needs Python 3.11" in result.stderr and "python3 (Python 3.12)" in result.stderr
    assert "PYTHON=/path/to/python3.11" in result.stderr and "apt-get install python3.11" in result.stderr
    assert not (repo / ".venv").exists()
    assert not any("venv" in line or "pip" in line for line in log(repo))


def test_a_named_python_of_the_wrong_version_is_refused(repo):
    old = fake(repo.parent, "python3.10", "3.10")
    fake(repo.parent / "bin", "python3.11", "3.11")  # there, but the user named another
    result = run(repo, PYTHON=str(old))
    assert result.returncode != 0 and f"PYTHON={old} is not Python 3.11" in result.stderr
    assert not (repo / ".venv").exists()


def test_python3_11_is_found_beside_a_newer_python3_and_the_cpu_build_of_torch_is_taken(repo):
    fake(repo.parent / "bin", "python3", "3.12")
    fake(repo.parent / "bin", "python3.11", "3.11")
    result = run(repo)
    assert result.returncode == 0, result.stderr
    lines = log(repo)
    assert "python3.11 -m venv .venv" in lines
    assert "python -m pip install -q --no-deps --index-url https://download.pytorch.org/whl/cpu torch==2.13.0" in lines
    assert "python -m pip install -q -e ." in lines and lines[-1] == "gradlab --port 9"
    again = run(repo, TORCH_INDEX_URL="")  # a second run reuses the good .venv
    assert again.returncode == 0 and "rebuilding" not in again.stderr
    assert log(repo).count("python3.11 -m venv .venv") == 1


@pytest.mark.parametrize("script", ["serve", "test"])
def test_a_venv_made_with_another_python_is_rebuilt(repo, script):
    fake(repo.parent / "bin", "python3.11", "3.11")
    (repo / ".venv" / "bin").mkdir(parents=True)
    fake(repo / ".venv" / "bin", "python", "3.12")  # what `PYTHON=python3.12 scripts/serve` used to leave
    result = run(repo, script, TORCH_INDEX_URL="")
    assert "made with Python 3.12, GradLab needs 3.11: rebuilding it" in result.stderr
    assert "python3.11 -m venv .venv" in log(repo)
    assert subprocess.run([str(repo / ".venv" / "bin" / "python"), "-c", ""], capture_output=True, text=True,
                          env={"LOG": os.devnull}).stdout.strip() == "3.11"


def test_a_broken_venv_is_rebuilt(repo):
    fake(repo.parent / "bin", "python3.11", "3.11")
    (repo / ".venv" / "bin").mkdir(parents=True)  # an interrupted first run: no interpreter inside
    result = run(repo, TORCH_INDEX_URL="")
    assert result.returncode == 0 and ".venv is broken" in result.stderr
    assert "python3.11 -m venv .venv" in log(repo)


def test_a_python_without_venv_leaves_no_half_made_venv(repo):
    fake(repo.parent / "bin", "python3.11", "3.11")
    result = run(repo, VENV_FAILS="1")
    assert result.returncode != 0 and "sudo apt-get install python3.11-venv" in result.stderr
    assert not (repo / ".venv").exists()
