"""The class experiment's field box offers each lab's settings as the lab's spec declares them (issue 8's
one declaration per fact): a renamed or added field reaches the teacher's suggestions without an edit."""

import json

from tests.browser.test_class import people, start_class  # noqa: F401  (people is a fixture)
from tests.browser.test_initialization_form import spec

OPTIONS = "[...document.querySelectorAll('#experiment-fields option')].map(o => o.value)"


def plotted_paths(served):
    """Every config path with one value on an axis: numbers, flags and choices, and the same of a list's
    first settings object; the live hyperparameters first."""
    root = served["schema"]

    def single(node):
        while "$ref" in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        branches = [b for b in node.get("anyOf", []) if b.get("type") != "null"]
        return single(branches[0]) if branches else node

    def plotted(node):
        return node.get("type") in ("number", "integer", "boolean") or "enum" in node

    paths = []
    for name, node in root["properties"].items():
        node = single(node)
        if plotted(node):
            paths.append(name)
        if node.get("type") == "array":
            item = single(node.get("items", {}))  # a tuple (prefixItems) is a list of numbers
            paths += [f"{name}[0].{key}" for key, sub in item.get("properties", {}).items() if plotted(single(sub))]
    live = [p for p in paths if p in served["live"]]
    return live + [p for p in paths if p not in live]


def test_the_field_box_offers_each_labs_settings_from_its_spec(people):  # noqa: F811
    _, dash, _ = start_class(people)
    labs = dash.eval_on_selector_all("#experiment-form select[name=lab] option", "os => os.map(o => o.value)")
    assert "optimizers" in labs and "training" in labs
    for lab in labs:
        dash.select_option("#experiment-form select[name=lab]", lab)
        expected = plotted_paths(spec(people.base, lab))
        assert len(expected) >= 3
        shown = json.dumps(json.dumps(expected, separators=(",", ":")))  # as JSON.stringify writes it, quoted
        dash.wait_for_function(f"JSON.stringify({OPTIONS}) === {shown}")
    optimizers = plotted_paths(spec(people.base, "optimizers"))
    assert {"optimizers[0].lr", "optimizers[0].name", "steps", "surface"} <= set(optimizers)
    assert "expression" not in optimizers  # a formula is free text, no point on an axis
