"""A link to a CSV run after the server forgot the file (issue 14 item 11): the Data panel says, in
the page's language and inside its upload box, that the uploaded file is gone, and offers the upload
again; the server's English message appears nowhere; uploading the file again lets the run start."""

import json
from urllib.parse import quote

import pytest

from tests.browser.conftest import until
from tests.conftest import ARTIFACTS, screenshot

GONE = {"dataset": "csv", "upload": "0123456789abcdef", "samples": 60, "hidden": [4], "epochs": 5, "batch_size": 16}
SAID = {"en": "is no longer on the server", "zh": "已不在服务器上"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_link_to_a_forgotten_upload_asks_for_the_file_again(page, live_server, tmp_path, lang):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/labs/training?lang={lang}#{quote(json.dumps(GONE))}")
    until(page, "document.querySelector('#upload-info .upload-gone') !== null")
    until(page, "document.querySelector('[data-status-line]').dataset.status === 'error'")
    page.wait_for_timeout(500)  # the scene's 422 and the socket's error both arrive
    note = page.locator("#upload-info .upload-gone")
    assert SAID[lang] in note.inner_text() and page.is_visible("#upload-box")
    assert page.is_visible("[data-action=upload-again]")
    assert page.inner_text("#form-error") == ""
    body = page.inner_text("body")
    assert "no uploaded file" not in body and "config.upload" not in body
    # contained: the note lies inside the Data panel and nothing in the sidebar scrolls sideways
    panel = page.locator("#upload-box").evaluate("el => el.closest('.panel').getBoundingClientRect().toJSON()")
    box = note.bounding_box()
    assert panel["left"] <= box["x"] and box["x"] + box["width"] <= panel["right"] + 0.5
    assert page.evaluate("[...document.querySelectorAll('aside, aside .panel')]"
                         ".every(e => e.scrollWidth <= e.clientWidth)")
    screenshot(page, f"training-upload-gone-{lang}")
    panel_shot = ARTIFACTS / f"training-upload-gone-panel-{lang}.png"
    data_panel = page.locator("#upload-box").locator("xpath=ancestor::section[contains(@class, 'panel')]")
    data_panel.screenshot(path=str(panel_shot))

    rows = "\n".join(f"{i},{(i * 7) % 11},{'red' if i % 3 else 'blue'}" for i in range(60))
    path = tmp_path / "points.csv"
    path.write_text("x1,x2,colour\n" + rows + "\n")
    with page.expect_file_chooser() as chooser:
        page.click("[data-action=upload-again]")
    chooser.value.set_files(str(path))
    until(page, "document.getElementById('upload-info').textContent.includes('60')")
    assert page.locator("#upload-info .upload-gone").count() == 0
    page.click("[data-action=start]")
    until(page, "document.getElementById('view-0').layout?.xaxis.range[1] > 50")
    assert page.inner_text("#form-error") == ""
