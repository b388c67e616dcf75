"""The backward pass as a walk-through a page can step: for each parameter, its chain-rule factors.

Each factor names the edge of the computational graph it belongs to, so a page can light the edge
up while the factor is multiplied in. A hidden neuron feeds both outputs, so ∂E/∂h is a sum of two
paths; that factor carries the two paths as ``terms``, each a product of three factors.

Graph nodes: inputs i1, i2; parameters w1..w8, b_h1, b_h2, b_o1, b_o2; sums net_h1, net_h2,
net_o1, net_o2; activations h1, h2, o1, o2; the error E. Edges point forward (from → to).
"""

from typing import Any

from app.labs.backprop.network import Derivation, Network

# parameter → (neuron it feeds, the value it multiplies: an input, a hidden output, or 1 for a bias)
WIRING = {
    "w5": ("o1", "h1"), "w6": ("o1", "h2"), "w7": ("o2", "h1"), "w8": ("o2", "h2"),
    "b_o1": ("o1", None), "b_o2": ("o2", None),
    "w1": ("h1", "i1"), "w2": ("h1", "i2"), "w3": ("h2", "i1"), "w4": ("h2", "i2"),
    "b_h1": ("h1", None), "b_h2": ("h2", None),
}  # fmt: skip
ORDER = tuple(WIRING)  # backward order: output layer first
# hidden neuron → the output weight through which it reaches each output
FAN_OUT = {"h1": (("o1", "w5"), ("o2", "w7")), "h2": (("o1", "w6"), ("o2", "w8"))}


def tex(name: str) -> str:
    """LaTeX for a node name: o1 → o_1, net_o1 → net_{o1}, b_h1 → b_{h1}."""
    if name.startswith("net_"):
        return rf"\mathrm{{net}}_{{{name[4:]}}}"
    if name.startswith("b_"):
        return f"b_{{{name[2:]}}}"
    return f"{name[0]}_{{{name[1:]}}}"


def _partial(top: str, bottom: str) -> tuple[str, str]:
    """Text and LaTeX of ∂top/∂bottom."""
    top_tex = "E" if top == "E" else tex(top)
    return f"∂{top}/∂{bottom}", rf"\frac{{\partial {top_tex}}}{{\partial {tex(bottom)}}}"


def _factor(top: str, bottom: str, expression: str, value: float) -> dict[str, Any]:
    symbol, latex = _partial(top, bottom)
    return {
        "symbol": symbol,
        "latex": latex,
        "expression": expression,
        "value": value,
        "edges": [[bottom, top]],
    }


def _activation_tex(activation: str, neuron: str) -> str:
    out = tex(neuron)
    return {
        "sigmoid": f"{out}(1-{out})",
        "tanh": f"1-{out}^2",
        "relu": rf"\mathbb{{1}}[{tex('net_' + neuron)}>0]",
    }[activation]


def _output_path(d: Derivation, activation: str, o: str) -> list[dict[str, Any]]:
    """∂E/∂o · ∂o/∂net_o, shared by everything below output o."""
    t = "t" + o[1:]
    return [
        _factor("E", o, f"{tex(o)}-{tex(t)}", d.local[f"dE_d{o}"]),
        _factor(o, f"net_{o}", _activation_tex(activation, o), d.local[f"d{o}_dnet_{o}"]),
    ]


def walkthrough(config: Network, d: Derivation, updated: dict[str, float]) -> list[dict[str, Any]]:
    """One entry per parameter, in backward order, with factors, product and update."""
    steps = []
    for param in ORDER:
        neuron, source = WIRING[param]
        if neuron.startswith("o"):
            factors = _output_path(d, config.activation, neuron)
        else:
            terms: list[dict[str, Any]] = []
            for o, w in FAN_OUT[neuron]:
                path = [*_output_path(d, config.activation, o), _factor(f"net_{o}", neuron, tex(w), config.weights[w])]
                terms.append({"via": o, "factors": path, "value": d.local[f"delta_{o}"] * config.weights[w]})
            symbol, latex = _partial("E", neuron)
            factors = [
                {
                    "symbol": symbol,
                    "latex": latex,
                    "expression": " + ".join(
                        rf"\frac{{\partial E}}{{\partial {tex('net_' + o)}}}\,{tex(w)}" for o, w in FAN_OUT[neuron]
                    ),
                    "value": d.local[f"dE_d{neuron}"],
                    "edges": [e for term in terms for f in term["factors"] for e in f["edges"]],
                    "terms": terms,
                },
                _factor(
                    neuron,
                    f"net_{neuron}",
                    _activation_tex(config.activation, neuron),
                    d.local[f"d{neuron}_dnet_{neuron}"],
                ),
            ]
        source_value = 1.0 if source is None else (d.forward[source] if source[0] == "h" else _input(config, source))
        factors.append(_factor(f"net_{neuron}", param, "1" if source is None else tex(source), source_value))
        gradient = d.gradients[param]
        old = config.weights[param] if param[0] == "w" else config.biases[param]
        steps.append(
            {
                "param": param,
                "layer": "output" if neuron.startswith("o") else "hidden",
                "neuron": neuron,
                "source": source,
                "latex": rf"\frac{{\partial E}}{{\partial {tex(param)}}} = "
                + r" \cdot ".join(f["latex"] for f in factors),
                "factors": factors,
                "gradient": gradient,
                "update": {
                    "old": old,
                    "lr": config.lr,
                    "new": updated[param],
                    "latex": rf"{tex(param)}^{{+}} = {tex(param)} - \eta\,\frac{{\partial E}}{{\partial {tex(param)}}}",
                },
            }
        )
    return steps


def _input(config: Network, name: str) -> float:
    return config.inputs[int(name[1]) - 1]
