"""schemathesis over GradLab's OpenAPI against a real server process (issue 13 item 11).

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python -m bench.schemathesis_api [max examples per operation, default 40; 3 gives 4,500 cases]

Starts ``python -m app`` on a free loopback port, runs ``schemathesis run`` with the checks that
matter here (no 5xx, responses matching their schema, the documented status codes and content
types), and prints schemathesis's summary: cases generated, server errors, schema mismatches.
"""

import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.web.edge_server import edge_server

ROOT = Path(__file__).resolve().parents[1]
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"


def main() -> int:
    examples = sys.argv[1] if len(sys.argv) > 1 else "40"
    schemathesis = Path(sys.executable).with_name("schemathesis")
    # many cases from one address: a generous socket bound and no wait for a computation's turn
    with edge_server(heavy_wait_s=30, max_connections_per_client=10_000) as port:
        # the schema is built on its first request: build it before schemathesis loads it (10 s at most)
        urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=300).read()
        return subprocess.run([str(schemathesis), "run", f"http://127.0.0.1:{port}/openapi.json",
                               "--checks", CHECKS, "--max-examples", examples, "--workers", "1",
                               # a computation within the caps may take longer than 10 s on a shared machine
                               "--request-timeout", "120",
                               "--phases", "examples,coverage,fuzzing"], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
