"""The 3D scenes' axis labels lie clear of each other and inside the scene's box, at a laptop's, a
projector's and a phone's size, in English and Chinese.

Before: where the axes meet, the Loss-landscape surface's lowest loss label sat on the α axis's end label
("0.57" over "−1" read "0.5712"), the Optimiser cube's "0" on the y axis's "−2", and the cube's nine
x ticks ran into each other ("−2" over "−1.5").

Plotly draws a scene's labels in WebGL, not as SVG: each axis's tick labels and its title are drawn alone
(the scene copied into a box of the same size with the same camera, ranges and ticks, with nothing else
shown) and read back as the pixels they darken; no two of them may share a pixel.
"""

import base64
import json
from urllib.parse import quote

import pytest

from tests.browser.conftest import guarded_context, until

SIZES = {"laptop": {"width": 1440, "height": 900}, "projector": {"width": 1280, "height": 720},
         "phone": {"width": 390, "height": 844}}
STATUS = "document.querySelector('[data-status-line]').dataset.status"
LANDSCAPE = {"config": {"epochs": 2, "grid": 15, "hidden": [8, 8]}, "view": {"preset": ""}}
AXES = ["xaxis", "yaxis", "zaxis"]
# The scene of chart `id` with only `shown`'s `part` (its tick labels or its title) drawn, in black: its
# ranges fixed where they are (so its ticks stay), its traces, grid, lines and walls hidden; the camera,
# box, texts and font sizes are the chart's own. Resolves once Plotly has drawn it.
ALONE = """async ([id, shown, part]) => {
  const gd = document.getElementById(id);
  const scene = gd._fullLayout.scene;
  const update = { 'title.text': '' };
  for (const name of ['xaxis', 'yaxis', 'zaxis']) {
    const ax = `scene.${name}`;
    Object.assign(update, { [`${ax}.range`]: [...scene[name].range], [`${ax}.autorange`]: false,
      [`${ax}.showgrid`]: false, [`${ax}.showline`]: false, [`${ax}.zeroline`]: false,
      [`${ax}.showbackground`]: false, [`${ax}.showspikes`]: false, [`${ax}.ticks`]: '',
      // hidden by colour, not removed: a scene places an axis's title past its tick labels
      [`${ax}.tickfont.color`]: name === shown && part === 'ticks' ? '#000' : 'rgba(0,0,0,0)',
      [`${ax}.title.font.color`]: name === shown && part === 'title' ? '#000' : 'rgba(0,0,0,0)' });
  }
  // the traces drawn invisible, not removed: a scene with no visible trace draws no axes
  await Plotly.restyle(gd, { opacity: 0, 'line.width': 0, 'marker.size': 0, 'contours.x.show': false,
    'contours.y.show': false, 'contours.z.show': false });
  await Plotly.relayout(gd, update);
}"""
# Each PNG's dark pixels (text, not its faint anti-aliased rim): [name, count, count on the edge], and the
# pairs of names with pixels within NEAR px of each other, with the closest two's distance.
MEET = """async (shots) => {
  const NEAR = 6; // px: labels closer than a word space and a half read as one ("0" and "−2" as "0−2")
  const masks = {};
  const counts = [];
  for (const [name, png] of shots) {
    const img = new Image();
    img.src = 'data:image/png;base64,' + png;
    await img.decode();
    const [w, h] = [img.width, img.height];
    const c = Object.assign(document.createElement('canvas'), { width: w, height: h });
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, w, h).data;
    const mask = [];
    let n = 0;
    let edge = 0;
    for (let i = 0; i < w * h; i++) {
      if (Math.min(d[4 * i], d[4 * i + 1], d[4 * i + 2]) < 210) {
        const x = i % w;
        mask.push([x, Math.floor(i / w)]);
        n += 1;
        if (x < 2 || x > w - 3 || i < 2 * w || i >= (h - 2) * w) edge += 1;
      }
    }
    masks[name] = mask;
    counts.push([name, n, edge]);
  }
  const names = Object.keys(masks);
  const meets = [];
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) {
    let closest = Infinity;
    for (const [x, y] of masks[names[i]]) for (const [u, v] of masks[names[j]]) {
      closest = Math.min(closest, Math.hypot(x - u, y - v));
    }
    if (closest < NEAR) meets.push([names[i], names[j], closest]);
  }
  return { counts, meets };
}"""


def scene_labels(page, chart_id):
    """Each axis's tick labels and title of the 3D chart `chart_id`, drawn alone (ALONE): the pixels each
    darkens, and which of them share pixels (MEET)."""
    until(page, f"(() => {{ const gd = document.getElementById('{chart_id}');"
                " return gd?.data?.[0]?.type === 'surface' && !gd.dataset.fit; })()", timeout=120)
    page.locator(f"#{chart_id}").scroll_into_view_if_needed()
    shots = []
    for axis in AXES:
        for part in ("ticks", "title"):
            page.evaluate(ALONE, [chart_id, axis, part])
            page.wait_for_timeout(500)  # WebGL paints on the next frames: there is no event to wait for
            png = page.locator(f"#{chart_id}").screenshot()
            shots.append([f"{axis} {part}", base64.b64encode(png).decode()])
    return page.evaluate(MEET, shots)


def check(seen):
    counts = {name: (n, edge) for name, n, edge in seen["counts"]}
    assert all(n > 0 for n, _ in counts.values()), f"{counts}"  # every part drawn, so that what follows means something
    assert [name for name, (_, edge) in counts.items() if edge] == [], f"{counts}"  # none cut at the box's edge
    assert seen["meets"] == [], seen


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", SIZES)
def test_the_optimiser_cube_labels_keep_apart(browser, live_server, size, lang):
    with guarded_context(browser, SIZES[size]) as page:
        page.set_default_timeout(120000)
        page.goto(f"{live_server}/labs/optimizers?lang={lang}")
        check(scene_labels(page, "surface3d"))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", SIZES)
def test_the_landscape_surface_labels_keep_apart(browser, live_server, size, lang):
    with guarded_context(browser, SIZES[size]) as page:
        page.set_default_timeout(120000)
        page.goto(f"{live_server}/labs/landscape?lang={lang}#{quote(json.dumps(LANDSCAPE))}")
        until(page, f"{STATUS} === 'paused'")
        page.click("[data-action=toggle]")
        until(page, f"{STATUS} === 'finished'", timeout=300)
        check(scene_labels(page, "surface-0"))
