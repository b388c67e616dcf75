"""Colour (issue 14, item 8): the charts' palette stays apart for colour-blind readers, and where colour
alone would tell series apart, line dashes or markers do too.

Colour-vision deficiency is simulated with Machado, Oliveira & Fernandes (2009), severity 1.0, applied in
linear sRGB; distances are CIE76 ΔE (Euclidean in CIELAB, D65) and CIEDE2000."""

import itertools
import math
import re
from pathlib import Path

import numpy as np

from tests.browser.conftest import until
from tests.browser.test_runs_page import wait_status

CHARTS = Path(__file__).resolve().parents[2] / "static" / "js" / "charts.js"
MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "normal vision": np.eye(3).tolist(),
}
SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
D65 = np.array([0.95047, 1.0, 1.08883])


def palette(name="PALETTE"):
    text = CHARTS.read_text()
    declared = re.search(rf"export const {name} = \[([^\]]*)\]", text)
    assert declared, f"charts.js declares no {name}"
    return re.findall(r'"([^"]*)"', declared.group(1))


def linear(hex_colour):
    c = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb_linear):
    t = SRGB_TO_XYZ @ np.clip(rgb_linear, 0, 1) / D65
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(lab1, lab2):
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p, h2p = math.degrees(math.atan2(b1, a1p)) % 360, math.degrees(math.atan2(b2, a2p)) % 360
    dh = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    d_hp = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, c_bar_p = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6)) - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_bar_p, 1 + 0.015 * c_bar_p * t
    r_t = (-math.sin(math.radians(60 * math.exp(-(((h_bar - 275) / 25) ** 2))))
           * 2 * math.sqrt(c_bar_p**7 / (c_bar_p**7 + 25**7)))
    dl, dc, dh_ = (l2 - l1) / s_l, (c2p - c1p) / s_c, d_hp / s_h
    return math.sqrt(dl**2 + dc**2 + dh_**2 + r_t * dc * dh_)


def closest_pair(colours, matrix):
    seen = {c: lab(np.array(matrix) @ linear(c)) for c in colours}
    pairs = itertools.combinations(colours, 2)
    return min((float(np.linalg.norm(seen[a] - seen[b])), ciede2000(seen[a], seen[b]), a, b) for a, b in pairs)


def test_the_ciede2000_implementation_matches_sharmas_reference_pairs():
    # Sharma, Wu & Dalal (2005), table 1: pairs 1, 7 and 17
    assert round(ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)), 4) == 2.0425
    assert round(ciede2000((50, 0, 0), (50, -1, 2)), 4) == 2.3669
    assert round(ciede2000((50, 2.5, 0), (56, -27, -3)), 4) == 31.9030


def test_every_pair_of_palette_colours_stays_apart_under_red_green_colour_blindness():
    colours = palette()
    assert len(colours) == 8 and len(set(c.lower() for c in colours)) == 8
    for vision, matrix in MACHADO.items():
        cie76, de2000, a, b = closest_pair(colours, matrix)
        # the set replaced had two reds/browns 6.0 apart (CIE76) under protanopia
        assert cie76 >= 15, f"{a} and {b} are only ΔE76 {cie76:.1f} apart under {vision}"
        assert de2000 >= 10, f"{a} and {b} are only ΔE00 {de2000:.1f} apart under {vision}"


def test_every_series_style_differs_in_dash_or_marker_too():
    colours, dashes, symbols = palette(), palette("DASHES"), palette("SYMBOLS")
    assert len(dashes) == len(symbols) == len(colours)
    assert len(set(symbols)) == len(symbols)  # markers tell every series apart without colour
    assert len(set(dashes[:6])) == 6  # and lines, for the first six (a lab draws at most six racers)


def test_batch_and_mini_batch_differ_in_more_than_colour(page, live_server):
    page.set_default_timeout(60000)
    page.goto(f"{live_server}/labs/descent?lang=en")
    wait_status(page, "paused")
    until(page, "document.getElementById('contour').data?.filter((d) => d.mode === 'lines').length >= 2")
    paths = page.evaluate("document.getElementById('contour').data.filter((d) => d.mode === 'lines')"
                          ".map((d) => [d.name, d.line.color, d.line.dash])")
    assert len({dash for _, _, dash in paths}) == len(paths), paths
    assert {colour for _, colour, _ in paths} <= set(palette())


def test_optimiser_racers_differ_in_more_than_colour(page, live_server):
    page.set_default_timeout(60000)
    page.goto(f"{live_server}/labs/optimizers?lang=en")
    wait_status(page, "paused")
    until(page, "document.getElementById('contour').data?.filter((d) => d.mode === 'lines+markers').length === 3")
    dashes = page.evaluate("document.getElementById('contour').data.filter((d) => d.mode === 'lines+markers')"
                           ".map((d) => d.line.dash)")
    assert len(set(dashes)) == 3
