"""Change a default where the lab declares it, and everything derived follows: the served spec, the
OpenAPI schema, the page's form, and a run started with {} (issue 8: one source of truth)."""

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import _free_port

ROOT = Path(__file__).resolve().parents[2]
# A server whose Initialisation lab declares depth 12 and activation relu by default instead of 10 and
# tanh: the dataclass is the only thing changed, before the web layer derives anything from it.
SERVER = """
import dataclasses, sys
import uvicorn
import app.labs.initialization as lab
from app.labs.initialization import config

@dataclasses.dataclass
class InitConfig(config.InitConfig):
    depth: config.Depth = 12
    activation: config.Activation = "relu"

lab.InitConfig = config.InitConfig = InitConfig
from app.__main__ import server_config
from app.settings import Settings
uvicorn.Server(server_config(Settings(port=int(sys.argv[1])), log_level="warning")).run()
"""


@pytest.fixture(scope="module")
def changed_server() -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the changed-default server did not start") from None
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(10)


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def test_a_changed_default_reaches_spec_openapi_and_form(page, changed_server):
    spec = get(f"{changed_server}/api/labs/initialization/spec")
    assert spec["defaults"]["depth"] == 12 and spec["defaults"]["activation"] == "relu"
    assert spec["schema"]["properties"]["depth"]["default"] == 12
    openapi = get(f"{changed_server}/openapi.json")
    body = openapi["paths"]["/api/init/code"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    schema = openapi["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert schema["properties"]["depth"]["default"] == 12
    assert schema["properties"]["activation"]["default"] == "relu"

    page.goto(f"{changed_server}/labs/initialization?lang=en")
    page.wait_for_function("document.getElementById('histograms').data?.length > 0")
    assert page.input_value("#depth") == "12"
    assert page.input_value("#activation") == "relu"
    assert page.evaluate("document.getElementById('histograms').data.length") == 12 * 3  # 12 layers x 3 methods
