// A box that scrolls sideways says so: on a phone a wide table, the back-prop network graph, a formula
// or the code panel showed its first columns with nothing to tell that more lay to the right. Each box
// whose content is wider than it gets `data-scroll-x` ("right", "left" or "both": where more lies) and
// the style sheet shades that edge; the mark goes when the box is scrolled to that end or fits again.
const SKIP = ".labs-nav, .js-plotly-plot, svg"; // the header's own scroller; Plotly's insides
const BOXES = `main :not(${SKIP}, :is(${SKIP}) *)`;
const WAIT = 300; // ms between scans while the page keeps changing (a run's frames)

let timer = 0;

function mark(el) {
  const style = getComputedStyle(el);
  const scrolls = (style.overflowX === "auto" || style.overflowX === "scroll") && el.getClientRects().length;
  const more = scrolls ? el.scrollWidth - el.clientWidth : 0;
  const left = more > 3 && el.scrollLeft > 1; // a px or two over is rounding, not more to see
  const right = more > 3 && el.scrollLeft < more - 1;
  const side = left && right ? "both" : left ? "left" : right ? "right" : "";
  if (side) {
    if (el.dataset.scrollX !== side) el.dataset.scrollX = side;
  } else if (el.dataset.scrollX !== undefined) delete el.dataset.scrollX;
}

function scan() {
  timer = 0;
  for (const el of document.querySelectorAll(BOXES)) mark(el);
}

function later() {
  if (!timer) timer = setTimeout(scan, WAIT);
}

new MutationObserver(later).observe(document.body, { childList: true, subtree: true, characterData: true });
addEventListener("resize", later);
// a box scrolled by hand: its own mark at once (scroll events do not bubble; they reach a capturing listener)
document.addEventListener("scroll", (event) => {
  if (event.target instanceof Element && !event.target.closest(SKIP)) mark(event.target);
}, { capture: true, passive: true });
scan();
