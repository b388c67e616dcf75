"""Each lab opens at a pace a class can follow: its default run, start to end, in 20-60 s."""

import re
from pathlib import Path

import pytest

from app.settings import Settings
from app.web.registry import LIVE_LABS, PAGES

SPEEDS = re.search(r"const SPEEDS = \[([^\]]*)\]", (Path(__file__).parents[2] / "static/js/player.js").read_text())


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_the_default_run_lasts_20_to_60_seconds_at_the_default_pace(page):
    assert str(page.pace) in SPEEDS.group(1).split(", ")  # a stop of the speed slider
    lab = LIVE_LABS[page.slug]
    run = lab.build(lab.config_model(), Settings())
    assert 20 <= run.total_steps / page.pace <= 60


def test_the_page_opens_at_its_pace_with_max_one_click_away(client):
    html = client.get("/labs/backprop").text
    assert 'id="player" data-pace="200"' in html and 'data-action="speed-max"' in html
