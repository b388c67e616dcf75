// Information on the Loss-functions page: P and Q → −log p, H(P), H(P, Q), KL(P‖Q) and the identity.
import { t } from "../i18n.js";
import { PALETTE } from "../charts.js";
import { $, BarChart, api, fixed, slider, table } from "./losses_util.js";

// `units`: the unit choices the lab declares (nats, bits); `range`: the probability sliders' ends (losses_state.js).
export async function initInformation(state, save, units, range) {
  const chart = new BarChart($("info-chart"), { height: 300 });
  let pending = 0;

  async function compute() {
    const ticket = ++pending;
    let r;
    try {
      r = await api("/api/losses/information", { p: state.p, q: state.q, unit: state.unit });
    } catch (error) {
      if (ticket === pending) $("info-identity").textContent = error.message;
      return;
    }
    if (ticket !== pending) return;
    const outcomes = r.p.map((_, i) => `x${i + 1}`);
    chart.update(outcomes, [
      { name: "P", y: r.p, color: PALETTE[0] },
      { name: "Q", y: r.q, color: PALETTE[2] },
    ], { title: t("losses.info.chart") + (r.normalised.p || r.normalised.q ? ` (${t("losses.info.normalised")})` : ""), yRange: [0, 1.1] });
    $("info-table").replaceChildren(table(
      [t("losses.info.outcome"), "P", "Q", t("losses.info.info_p"), t("losses.info.info_q"), "−p log p", "−p log q", "p log(p/q)"],
      r.terms.map((term, i) => [outcomes[i], fixed(term.p), fixed(term.q), fixed(term.information_p), fixed(term.information_q),
        fixed(term.entropy_term), fixed(term.cross_entropy_term), fixed(term.kl_term)]),
    ));
    const unit = t(state.unit === "bits" ? "losses.info.unit_bits" : "losses.info.unit_nats");
    const infinite = r.kl_infinite ? t("losses.info.infinite", { i: r.support_mismatch.map((i) => `x${i + 1}`).join(", ") }) : null;
    $("info-entropy").textContent = `${fixed(r.entropy)} ${unit}`;
    $("info-kl").textContent = infinite ?? `${fixed(r.kl)} ${unit}`;
    $("info-cross").textContent = infinite ?? `${fixed(r.cross_entropy)} ${unit}`;
    $("info-identity").textContent = infinite
      ? `∞ = ${fixed(r.entropy)} + ∞`
      : `${fixed(r.cross_entropy)} = ${fixed(r.entropy)} + ${fixed(r.kl)}  (|Δ| = ${r.identity.abs_diff.toExponential(1)})`;
    $("info-torch").textContent = t("losses.info.torch", { a: fixed(r.torch.kl_div), b: fixed(r.torch.kl_divergence) });
  }

  const box = $("info-sliders");
  for (const name of ["p", "q"]) {
    const column = document.createElement("div");
    const head = document.createElement("h4");
    head.textContent = name.toUpperCase();
    column.append(head);
    state[name].forEach((v, i) => column.append(slider({
      label: `x${i + 1}`, ...range, value: v, id: `info-${name}-${i}`,
      onInput: (value) => { state[name][i] = value; save(); compute(); },
    })));
    box.append(column);
  }
  $("info-unit").replaceChildren(...units.map((u) => new Option(t(`losses.info.${u}`), u)));
  $("info-unit").value = state.unit;
  $("info-unit").addEventListener("change", () => { state.unit = $("info-unit").value; save(); compute(); });
  await compute();
}
