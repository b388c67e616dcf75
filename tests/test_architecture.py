"""The layers stay apart: labs are pure science, the engine knows no lab."""

import ast
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ("fastapi", "starlette", "jinja2", "pydantic", "pydantic_settings", "uvicorn", "app.web", "app.runs",
       "app.settings")


def _parse(source: str) -> ast.Module:
    # In a fresh thread: CPython 3.11.7's parser can trip over the recursion depth left behind by an
    # earlier RecursionError in this thread (the fuzz tests send deeply nested JSON).
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(ast.parse, source).result()


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(_parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_labs_import_no_web_layer():
    for path in (ROOT / "app" / "labs").rglob("*.py"):
        bad = {n for n in imports(path) if n.split(".")[0] in WEB or n.startswith(WEB)}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_engine_knows_no_lab_and_no_web():
    for path in (ROOT / "app" / "runs").rglob("*.py"):
        bad = {n for n in imports(path) if n.startswith(("app.labs", "app.web", "fastapi", "starlette"))}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_nothing_reads_the_environment_but_settings():
    for path in (ROOT / "app").rglob("*.py"):
        if path.name != "settings.py":
            assert "os.environ" not in path.read_text() and "getenv" not in path.read_text(), path


LABS = ROOT / "app" / "labs"


def test_every_lab_is_a_package_and_imports_no_other_labs_internals():
    """A lab may import its own modules, app.labs.common, errors and fields, nothing of another lab."""
    shared = ("__init__.py", "errors.py", "fields.py")  # the error every lab raises; how config fields are declared
    loose = sorted(p.name for p in LABS.glob("*.py") if p.name not in shared)
    assert not loose, f"app/labs/ holds modules outside any lab package: {loose}"
    labs = [p.name for p in LABS.iterdir() if (p / "__init__.py").exists() and p.name != "common"]
    assert len(labs) >= 6
    for path in LABS.rglob("*.py"):
        own = path.relative_to(LABS).parts[0]
        names = imports(path)
        for node in ast.walk(_parse(path.read_text())):  # ``from app.labs import x`` imports app.labs.x
            if isinstance(node, ast.ImportFrom) and node.module == "app.labs":
                names |= {f"app.labs.{a.name}" for a in node.names}
        for name in names:
            if name.startswith("app.labs."):
                other = name.split(".")[2]
                assert other in (own, "common", "errors", "fields"), f"{path.relative_to(ROOT)} imports {name}"
