"""schemathesis over GradLab's OpenAPI against a real server process (issue 13 item 11).

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python -m bench.schemathesis_api [examples per operation, default 40; 3 gives 4,500 cases] [options]

(the options are passed on to ``schemathesis run``).

Starts ``python -m app`` on a free loopback port, runs ``schemathesis run`` with the checks that
matter here (no 5xx; responses matching their schema, documented status codes, content types and
Allow headers; requests the schema forbids refused), and prints schemathesis's summary: cases
generated, server errors, schema mismatches. Installed apart from the project's venv (``pip install
--target DIR schemathesis``), a ``schemathesis`` on PATH is used.
"""

import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.web.edge_server import edge_server

ROOT = Path(__file__).resolve().parents[1]
# Every check of a response against the schema, and every schema-violating request refused (true or
# "3" where a number is expected, an item repeated in a list without repeats, a bound exceeded).
# Not positive_data_acceptance: the server also refuses, naming the field, what JSON Schema cannot say
# (shapes that must agree, a formula's grammar, a CSV's contents, a run's updates or memory over this
# server's budget, b1 beside b_h1), and schemathesis 4.32's coverage phase counts some values outside
# a declared minimum as valid ({"points": 1} for a minimum of 3).
CHECKS = ",".join(["not_a_server_error", "status_code_conformance", "content_type_conformance",
                   "response_schema_conformance", "response_headers_conformance", "negative_data_rejection",
                   "unsupported_method", "allow_header_conformance"])


def main() -> int:
    examples = sys.argv[1] if len(sys.argv) > 1 else "40"
    # beside this Python (the bench extra), else on PATH (installed apart from the project's venv)
    schemathesis = shutil.which("schemathesis", path=os.pathsep.join([str(Path(sys.executable).parent),
                                                                      os.environ.get("PATH", "")]))
    if schemathesis is None:
        print("schemathesis is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    # many cases from one address: a generous socket bound and no wait for a computation's turn
    with edge_server(heavy_wait_s=30, max_connections_per_client=10_000) as port:
        # the schema is built on its first request: build it before schemathesis loads it (10 s at most)
        urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=300).read()
        return subprocess.run([schemathesis, "run", f"http://127.0.0.1:{port}/openapi.json",
                               "--checks", CHECKS, "--max-examples", examples, "--workers", "1",
                               # a computation within the caps may take longer than 10 s on a shared machine
                               "--request-timeout", "120",
                               "--phases", "examples,coverage,fuzzing", *sys.argv[2:]], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
