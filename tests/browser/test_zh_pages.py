"""Chinese pages speak Chinese: every visible word in Latin script on a zh page (its views opened one by
one) is an API name, a symbol, a unit or a proper name; and a refused value is said in Chinese, once.

Before: init argument labels (mean/std/gain/mode), "nats", "if/else" in the formulas, surface names
("saddle bounded"), racers' legends ("sgd lr=0.02") and every server error were English on zh pages.
"""

import re

import pytest

from tests.browser.conftest import guarded_context, until

LABS = ["initialization", "optimizers", "losses", "backprop", "descent", "training", "landscape"]
# Names that stay as they are in Chinese text: APIs and classes, acronyms the notes use, people, units.
ALLOWED = {
    "GradLab", "PyTorch", "NumPy", "English", "API", "torch", "nn", "optim", "init", "Tab",
    "tanh", "sigmoid", "softmax", "relu", "ReLU", "logit", "logits", "log", "exp", "max", "min", "sin", "cos",
    "Xavier", "Kaiming", "Momentum", "Nesterov", "Himmelblau", "Rosenbrock", "Beale", "Rastrigin",
    "Huber", "Goodfellow", "Vinyals", "Saxe", "Li", "Faster", "R-CNN", "DataLoader", "net",
    "kB", "MB", "ms", "s", "k", "M", "e", "ln", "lr", "betas", "eps", "momentum", "dampening", "amsgrad",
    "beta", "nesterov", "maximize", "alpha", "centered", "lr_decay", "foreach", "Adam", "AdamW", "wx", "float32",
}
URL = re.compile(r"https?://\S+")  # a join link is an address, not words
NUMBER = re.compile(r"\d[\d.]*[eE][-+]?\d+")  # 1.33e-5 is a number, not the word "e"
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[_.\-][A-Za-z0-9]+)*")
VISIBLE_TEXT = """(() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || !node.textContent.trim()) continue;
    // code panels and API calls are Python; a closed <details> shows only its summary; a select its choice
    if (el.closest("pre, code, .api-name, script, style, .modebar, .chart-data-body")) continue;
    if (el.closest("details:not([open])") && !el.closest("summary")) continue;
    const option = el.closest("option");
    if (option && option.parentElement.closest("select").selectedOptions[0] !== option) continue;
    if (!el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
    out.push(node.textContent);
  }
  return out;
})()"""


def latin_words(text):
    """The words of ``text`` no allowed rule covers: identifiers (a_b, torch.x), CamelCase and
    ACRONYM API names, single letters with digits (x1, w5), calls f(…) and keyword arguments k=v."""
    bad = []
    text = NUMBER.sub("0", URL.sub(" ", text.replace("\u200b", "")))  # zero-width breaks inside identifiers
    for m in WORD.finditer(text):
        word = m.group()
        after = text[m.end():m.end() + 1]
        before = text[m.start() - 1:m.start()] if m.start() else ""
        if (all(part in ALLOWED or _api_like(part) for part in word.split("-"))
                or after in ("(", "=", "_", "²", "³", "₁", "₂") or before == "="):
            continue
        bad.append(word)
    return bad


def _api_like(word):
    return bool(re.fullmatch(r"[A-Za-z]\d*", word) or any(c in word for c in "_.")  # x1, fan_in, torch.optim
                or sum(c.isupper() for c in word) >= 2)  # SGD, BCELoss, RMSProp, AdaGrad, SmoothL1


def walk(page):
    """Every visible text of the page, with each tab-like view button pressed in turn."""
    texts = page.evaluate(VISIBLE_TEXT)
    views = "document.querySelectorAll('.content .tabs button, .sidebar .tabs button[data-view]')"
    for i in range(page.evaluate(f"{views}.length")):
        page.evaluate(f"{views}[{i}].click()")
        page.wait_for_timeout(400)
        texts += page.evaluate(VISIBLE_TEXT)
    return texts


def english_on(page):
    found = {}
    for text in walk(page):
        for word in latin_words(text):
            found.setdefault(word, text.strip()[:80])
    return found


@pytest.mark.parametrize("lab", LABS)
def test_a_zh_lab_page_shows_no_english_words(page, live_server, lab):
    page.goto(f"{live_server}/labs/{lab}?lang=zh")
    until(page, "document.querySelector('[data-status-line]').dataset.status === 'paused'")
    for _ in range(3):
        page.locator("body").press("ArrowRight")  # frames drawn: legends, tables and states filled
    until(page, "Number(document.querySelector('[data-status-line]').dataset.step) >= 3")
    page.wait_for_timeout(800)
    assert english_on(page) == {}


def test_the_zh_index_join_and_class_pages_show_no_english_words(browser, live_server):
    with guarded_context(browser) as page:
        for path in ("/join", "/"):
            page.goto(f"{live_server}{path}?lang=zh")
            assert english_on(page) == {}, path
        page.click("[data-action=teach]")
        page.wait_for_url("**/class/*")
        until(page, "document.getElementById('join-qr').naturalWidth > 0")
        assert english_on(page) == {}


def test_a_zh_page_says_a_refused_value_in_chinese_once(page, live_server):
    page.goto(f"{live_server}/labs/initialization?lang=zh")
    until(page, "document.querySelector('[data-status-line]').dataset.status === 'paused'")
    page.evaluate("""import('/static/js/controls.js').then(({ currentLive }) => currentLive().socket.send(
        { type: 'start', lab: 'initialization', config: { depth: 1 } }))""")
    until(page, "document.getElementById('form-error').textContent !== ''")
    said = page.inner_text("#form-error")
    assert said == "层数:不能小于 2"  # the field by its label, the fault in words, the limit
    assert page.inner_text("[data-status-line]") == "错误"  # the words are said once, under the player
    assert page.inner_text("body").count("不能小于 2") == 1
