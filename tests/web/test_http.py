"""HTTP: health, docs, the inspect endpoint's contract and refusals, pages, assets, languages."""

import math
import re
from pathlib import Path

import pytest

from app.web.i18n import Translations

ROOT = Path(__file__).resolve().parents[2]


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_openapi_documents_every_api_endpoint(client):
    spec = client.get("/openapi.json").json()
    from app.web.registry import ROUTERS

    api_routes = {r.path for router in ROUTERS for r in router.routes if r.path.startswith("/api/")}
    assert api_routes and api_routes <= set(spec["paths"])
    assert "/healthz" in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_inspect_contract(client):
    body = {"init": {"method": "kaiming_normal", "mode": "fan_in", "nonlinearity": "relu"}, "depth": 10,
            "width": 256, "activation": "relu", "batch_size": 256, "seed": 0, "bins": 40}
    response = client.post("/api/init/inspect", json=body)
    assert response.status_code == 200
    layers = response.json()["layers"]
    assert len(layers) == 10 and layers[0]["index"] == 1
    second = layers[1]
    assert (second["fan_in"], second["fan_out"]) == (256, 256)
    assert second["theory_weight_std"] == pytest.approx(math.sqrt(2 / 256))
    assert second["weight"]["std"] == pytest.approx(math.sqrt(2 / 256), rel=0.02)
    for q in ("weight", "activation", "gradient"):
        histogram = second[q]["histogram"]
        assert len(histogram["edges"]) == 41 and sum(histogram["counts"]) == second[q]["count"]
    assert second["weight"]["count"] == 256 * 256 and second["activation"]["count"] == 256 * 256


def test_inspect_needs_only_the_method(client):
    response = client.post("/api/init/inspect", json={"init": {"method": "zeros"}, "depth": 3, "width": 8})
    assert response.status_code == 200
    first = response.json()["layers"][0]
    assert first["weight"]["spike"] == 0.0 and first["weight"]["histogram"]["counts"] == [64 * 8]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"init": {"method": "magic"}}, ["body", "init", "method"]),
        ({"init": {"method": "normal"}, "width": 10**9}, ["body", "width"]),
        ({"init": {"method": "normal"}, "depth": 1000}, ["body", "depth"]),
        ({"init": {"method": "normal"}, "width": "wide"}, ["body", "width"]),
        ({"init": {"method": "normal"}, "bins": 10**6}, ["body", "bins"]),
        ({"init": {"method": "normal", "std": -1}}, ["body", "init", "std"]),
        ({"init": {"method": "uniform", "a": 3, "b": 1}}, ["body", "b"]),
        ({"depth": 3}, ["body", "init"]),
        ({"init": {"method": "normal"}, "surprise": 1}, ["body", "surprise"]),
    ],
)
def test_inspect_refuses_bad_input_naming_the_field(client, body, loc):
    response = client.post("/api/init/inspect", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


def test_inspect_refuses_nan(client):
    response = client.post("/api/init/inspect", content=b'{"init": {"method": "normal", "mean": NaN}}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_code_endpoint_returns_a_script(client):
    response = client.post("/api/init/code", json={"methods": [{"method": "xavier_uniform", "gain": 2.0}]})
    assert response.status_code == 200
    assert "nn.init.xavier_uniform_(layer.weight, gain=2.0, generator=g)" in response.json()["code"]


def test_pages_render_in_both_languages_and_remember_the_choice(client):
    english = client.get("/labs/initialization?lang=en")
    assert english.status_code == 200 and "Initialisation" in english.text
    chinese = client.get("/labs/initialization?lang=zh")
    assert 'lang="zh"' in chinese.text and "参数初始化" in chinese.text
    assert client.cookies.get("gradlab_lang") == "zh"
    assert 'lang="zh"' in client.get("/").text  # remembered
    assert client.get("/labs/nothing").status_code == 404


def test_pages_load_nothing_from_outside():
    for path in [*ROOT.joinpath("templates").glob("*.html")]:
        text = path.read_text()
        assert not re.search(r"""(src|href)=["'](https?:)?//""", text), path
        # no inline script but the import map, allowed by its hash (tests/web/test_static_files.py)
        inline = r"""<script>(?!</script>)|<script(?![^>]*src)(?! type="importmap")[^>]*>\s*\S"""
        assert not re.search(inline, text), f"inline script in {path}"
        assert "<style" not in text, f"inline style block in {path}"


def test_every_string_exists_in_both_languages():
    translations = Translations(ROOT / "static" / "i18n")
    assert set(translations.strings["en"]) == set(translations.strings["zh"])
    assert all(translations.strings["zh"].values())


def test_every_key_used_by_templates_and_scripts_is_translated():
    translations = Translations(ROOT / "static" / "i18n")
    known = set(translations.strings["en"])
    used: set[str] = set()
    for path in ROOT.joinpath("templates").glob("*.html"):
        used |= set(re.findall(r"""t\(['"]([\w.]+)['"]\)""", path.read_text()))
    for path in ROOT.joinpath("static", "js").rglob("*.js"):
        used |= set(re.findall(r"""\bt\(\s*["']([\w.]+)["']""", path.read_text()))
    missing = sorted(k for k in used if k not in known)
    assert not missing, missing


def test_own_static_files_are_compressed(client):
    response = client.get("/static/js/charts.js", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
