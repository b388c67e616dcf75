"""Charts laid out to be read: an axis title clear of its tick labels, a 3D surface that fills its view.

Before: the Training lab's gradient-norm chart put "‖∂loss/∂W‖" 2 px from its "5×10⁻⁴" ticks (Plotly fits
a title without a standoff into whatever margin the tick labels leave), and at 1440×900 the Loss-landscape
lab's 3D surface, stretched across the whole row, filled a third of its view's width.
On a phone the Optimiser lab's cube, seen from Plotly's default eye, lost its z labels at the left edge.
"""

import base64
import json
from urllib.parse import quote

import pytest

from tests.browser.conftest import guarded_context, until

SIZES = {"laptop": {"width": 1440, "height": 900}, "projector": {"width": 1280, "height": 720},
         "phone": {"width": 390, "height": 844}}
STATUS = "document.querySelector('[data-status-line]').dataset.status"
# The gradient-norm chart's own axes (charts.baseLayout, a log axis with charts.logAxisTicks) over norms
# from 3×10⁻⁴ to 2×10⁻², whose ticks read "5×10⁻⁴": drawn through chart_fit.plot into a new box.
GRADIENT_AXES = """(async () => {
  const { plot } = await import('/static/js/chart_fit.js');
  const { baseLayout, logAxisTicks } = await import('/static/js/charts.js');
  const el = document.createElement('div');
  el.id = 'axes-probe';
  document.querySelector('.content').prepend(el);
  const y = [3e-4, 1e-3, 5e-3, 2e-2];
  await plot(el, [{ type: 'scatter', mode: 'lines', x: [1, 2, 3, 4], y }], baseLayout({ height: 300,
    title: { text: 'Gradient norm of each layer' }, xaxis: { title: { text: 'Step' } },
    yaxis: { title: { text: '‖∂loss/∂W‖' }, type: 'log', ...logAxisTicks(y) } }), { responsive: true });
})()"""
GAPS = """(() => { const el = document.getElementById('axes-probe');
  const box = (n) => n.getBoundingClientRect();
  const title = box(el.querySelector('.ytitle'));
  const ticks = [...el.querySelectorAll('.ytick text')].map(box);
  const xtitle = box(el.querySelector('.xtitle'));
  const xticks = [...el.querySelectorAll('.xtick text')].map(box);
  return { y: Math.min(...ticks.map((t) => t.left)) - title.right,
           x: xtitle.top - Math.max(...xticks.map((t) => t.bottom)),
           ticks: ticks.length }; })()"""


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_an_axis_title_keeps_clear_of_wide_tick_labels(browser, live_server, size):
    with guarded_context(browser, SIZES[size]) as page:
        page.goto(f"{live_server}/labs/training?lang=en")
        until(page, f"!!window.Plotly && {STATUS} === 'paused'")
        page.evaluate(GRADIENT_AXES)
        until(page, "(() => { const el = document.getElementById('axes-probe');"
                    " return el._fullLayout && !el.dataset.fit; })()")
        gaps = page.evaluate(GAPS)
        assert gaps["ticks"] >= 4
        assert gaps["y"] >= 5 and gaps["x"] >= 5, gaps


# The bounding box of what is drawn (any pixel not near-white) in a PNG below its first `skip` rows (the
# figure's title), read back through a canvas.
DRAWN = """async ([png, skip]) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + png;
  await img.decode();
  const c = Object.assign(document.createElement('canvas'), { width: img.width, height: img.height });
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data;
  let l = Infinity, r = -1, t = Infinity, b = -1;
  for (let y = skip; y < c.height; y++) for (let x = 0; x < c.width; x++) {
    const i = 4 * (y * c.width + x);
    if (d[i] < 230 || d[i + 1] < 230 || d[i + 2] < 230) {
      l = Math.min(l, x); r = Math.max(r, x); t = Math.min(t, y); b = Math.max(b, y);
    }
  }
  return { width: c.width, height: c.height - skip, drawn: [l, t - skip, r, b - skip] };
}"""


def drawn_surface(page, chart_id):
    """Once the 3D chart ``chart_id`` shows its surface, what of it is drawn under its title (DRAWN)."""
    until(page, f"(() => {{ const gd = document.getElementById('{chart_id}');"
                " return gd?.data?.[0]?.type === 'surface' && !gd.dataset.fit; })()", timeout=120)
    page.locator(f"#{chart_id}").scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # WebGL paints on the next frames: there is no event to wait for
    png = page.locator(f"#{chart_id}").screenshot()
    title = page.evaluate(f"document.getElementById('{chart_id}')._fullLayout._size.t")
    return page.evaluate(DRAWN, [base64.b64encode(png).decode(), round(title)])


LANDSCAPE = {"config": {"epochs": 2, "grid": 15, "hidden": [8, 8]}, "view": {"preset": ""}}


@pytest.mark.parametrize("size", ["laptop", "projector"])
def test_the_3d_surface_fills_its_view(browser, live_server, size):
    with guarded_context(browser, SIZES[size]) as page:
        page.set_default_timeout(120000)
        page.goto(f"{live_server}/labs/landscape?lang=en#{quote(json.dumps(LANDSCAPE))}")
        until(page, f"{STATUS} === 'paused'")
        page.click("[data-action=toggle]")
        until(page, f"{STATUS} === 'finished'", timeout=300)
        seen = drawn_surface(page, "surface-0")
        left, top, right, bottom = seen["drawn"]
        share = (right - left) * (bottom - top) / (seen["width"] * seen["height"])
        assert share >= 0.45, (seen, share)
        assert (right - left) >= 0.6 * seen["width"], seen
        # nothing drawn runs off the scene's bottom or sides (the α ticks were cut at the bottom)
        assert left > 2 and right < seen["width"] - 3 and bottom < seen["height"] - 3, seen


def test_the_optimiser_cube_keeps_its_labels_on_a_phone(browser, live_server):
    """At 390 px Plotly's default eye cut the cube's z labels at the left edge, under 100 px of blank."""
    with guarded_context(browser, SIZES["phone"]) as page:
        page.set_default_timeout(120000)
        page.goto(f"{live_server}/labs/optimizers?lang=en")
        seen = drawn_surface(page, "surface3d")
        left, top, right, bottom = seen["drawn"]
        assert left > 2 and right < seen["width"] - 3 and bottom < seen["height"] - 3, seen
        assert (bottom - top) >= 0.6 * seen["height"], seen  # the cube, not blank, fills the box's height
