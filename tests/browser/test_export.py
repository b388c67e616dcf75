"""Export (issue 14 item 10): every chart's CSV button downloads exactly the numbers it draws, and
"Download config + code" saves the run on screen: its config, as the server ran it, and the code."""

import csv
import io
import json

from tests.browser.test_initialization import SMALL, open_lab

CSV_TITLE = "Download the chart's data as CSV"


def started_configs(page: object) -> list[dict]:
    """The configs of the runs the server started for this page, read off its WebSocket."""
    configs: list[dict] = []

    def watch(ws: object) -> None:
        def frame(payload: object) -> None:
            if isinstance(payload, str) and '"type":"started"' in payload.replace(" ", ""):
                configs.append(json.loads(payload)["config"])
        ws.on("framereceived", frame)  # type: ignore[attr-defined]

    page.on("websocket", watch)  # type: ignore[attr-defined]
    return configs


def download(page: object, selector: str) -> tuple[str, str]:
    with page.expect_download() as info:  # type: ignore[attr-defined]
        page.click(selector)  # type: ignore[attr-defined]
    d = info.value
    return d.suggested_filename, open(d.path(), encoding="utf-8").read()


def csv_of(page: object, chart: str) -> tuple[str, list[list[str]]]:
    page.hover(f"#{chart} .main-svg")  # type: ignore[attr-defined]
    name, text = download(page, f'#{chart} .modebar-btn[data-title="{CSV_TITLE}"]')
    assert text.startswith("\ufeff")  # spreadsheets then read the names as UTF-8
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["trace", "x", "y", "z"]
    return name, rows[1:]


def number(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def test_a_charts_csv_holds_exactly_what_it_draws(page, live_server):
    open_lab(page, live_server)
    page.click("[data-action=step]")
    # step 1 drawn (step 0's chart has its points already): no frame is drawn between a CSV and its chart
    page.wait_for_function("document.getElementById('loss-chart').layout.title.text.endsWith(' 1')")
    page.wait_for_function("document.getElementById('loss-chart').data.every(t => t.y.length >= 1)")
    name, rows = csv_of(page, "histograms")
    assert name == "initialization-histograms.csv"
    titles = page.evaluate("[...document.querySelectorAll('#histograms .modebar-btn')].map(b => b.dataset.title)")
    assert "Download plot as a PNG" in titles and CSV_TITLE in titles
    assert "Share chart..." not in titles  # Plotly 4 would post the chart to cloud.plotly.com
    traces = page.evaluate("document.getElementById('histograms').data.map(t => ({name: t.name, type: t.type, "
                           "x: Array.from(t.x), y: Array.from(t.y)}))")
    expected = [[t["name"], x, y, None] for t in traces for x, y in zip(t["x"], t["y"], strict=True)]
    assert [[r[0], number(r[1]), number(r[2]), number(r[3])] for r in rows] == expected
    bars = [t for t in traces if t["type"] == "bar"]
    assert bars and all(float(y).is_integer() for t in bars for y in t["y"])  # histogram counts
    assert len({t["name"] for t in traces}) == len(traces)  # each cell says which layer and method

    _, rows = csv_of(page, "loss-chart")
    curves = page.evaluate("document.getElementById('loss-chart').data.map(t => [t.name, Array.from(t.x), "
                           "Array.from(t.y)])")
    assert [[r[0], number(r[1]), number(r[2])] for r in rows] == [
        [n, x, y] for n, xs, ys in curves for x, y in zip(xs, ys, strict=True)]
    assert len({r[0] for r in rows}) == 3  # one curve per method


def test_the_config_and_code_file_is_the_run_on_screen(page, live_server):
    configs = started_configs(page)
    open_lab(page, live_server, state={**SMALL, "depth": 3, "seed": 7})
    page.wait_for_function("document.getElementById('code').textContent.includes('nn.init')")
    assert configs, "the page started a run"
    name, text = download(page, "[data-action=download-code]")
    assert name.startswith("gradlab-initialization-") and name.endswith(".py")
    lines = text.splitlines()
    start, end = lines.index("# {"), lines.index("# }")
    config = json.loads("\n".join(line[2:] for line in lines[start:end + 1]))
    assert config == configs[-1]
    assert config["depth"] == 3 and config["seed"] == 7 and len(config["methods"]) == 3
    assert "\n".join(lines[end + 2:]).strip() == page.inner_text("#code").strip()
    compile(text, name, "exec")  # a Python file, its header a comment
