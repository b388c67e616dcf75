// Classification on the Loss-functions page: logits → softmax → log-softmax → NLL, and BCE.
import { t } from "../i18n.js";
import { LineChart, PALETTE } from "../charts.js";
import { $, BarChart, api, fixed, slider, table } from "./losses_util.js";
import { BCE_TARGETS } from "./losses_state.js";

// `notes`: the walkthrough's defaults, the notes' example (the lab's CrossEntropyConfig, served in the spec);
// `range`: the score sliders' ends (losses_state.js).
export async function initClassification(state, save, notes, range) {
  const probs = new BarChart($("ce-probs"), { height: 300 });
  let pending = 0;

  async function compute() {
    const ticket = ++pending;
    const w = await api("/api/losses/cross-entropy", { logits: state.logits, labels: state.labels });
    if (ticket !== pending) return;
    const classes = state.logits[0].map((_, c) => `${t("losses.ce.class")} ${c}`);
    const tables = w.samples.map((s, n) => table(
      ["", ...classes],
      [
        [t("losses.ce.logit"), ...s.logits.map((v) => fixed(v, 2))],
        [t("losses.ce.shifted"), ...s.shifted.map((v) => fixed(v))],
        [t("losses.ce.softmax"), ...s.softmax.map((v) => fixed(v))],
        [t("losses.ce.log_softmax"), ...s.log_softmax.map((v, c) => (c === s.label ? { text: fixed(v), className: "label-cell" } : fixed(v)))],
        [t("losses.ce.nll"), ...s.log_softmax.map((_, c) => (c === s.label ? { text: fixed(s.nll), className: "label-cell" } : ""))],
      ],
      { caption: `${t("losses.ce.sample", { n: n + 1 })} · ${t("losses.ce.label")} ${s.label}` },
    ));
    $("ce-tables").replaceChildren(...tables);
    $("ce-value").textContent = fixed(w.cross_entropy);
    $("ce-nll-value").textContent = fixed(w.log_softmax_nll);
    $("ce-double-value").textContent = fixed(w.double_softmax);
    probs.update(classes, w.samples.map((s, n) => ({
      name: t("losses.ce.sample", { n: n + 1 }), y: s.softmax, color: PALETTE[n],
    })), { title: t("losses.ce.prob_title"), yRange: [0, 1.1] });
  }

  function buildSliders() {
    const box = $("logit-sliders");
    box.replaceChildren();
    state.logits.forEach((row, n) => {
      const sample = document.createElement("div");
      sample.className = "sample";
      const head = document.createElement("h4");
      head.textContent = `${t("losses.ce.sample", { n: n + 1 })} `;
      const label = document.createElement("select");
      label.id = `ce-label-${n}`;
      label.setAttribute("aria-label", t("losses.ce.label"));
      row.forEach((_, c) => label.add(new Option(`${t("losses.ce.label")} ${c}`, c, false, c === state.labels[n])));
      label.addEventListener("change", () => { state.labels[n] = Number(label.value); save(); compute(); });
      head.append(label);
      sample.append(head);
      row.forEach((v, c) => sample.append(slider({
        label: `x${c}`, ...range, value: v, id: `logit-${n}-${c}`,
        onInput: (value) => { state.logits[n][c] = value; save(); compute(); },
      })));
      box.append(sample);
    });
  }

  $("ce-reset").addEventListener("click", () => {
    state.logits = structuredClone(notes.logits);
    state.labels = [...notes.labels];
    save();
    buildSliders();
    compute();
  });
  buildSliders();
  await Promise.all([compute(), initBce(state, save)]);
}

async function initBce(state, save) {
  const data = await api("/api/losses/bce");
  const curve = new LineChart($("bce-curve"), { height: 320 });
  const logits = new LineChart($("bce-logits"), { height: 320 });
  const c = data.curves;
  curve.update([
    { name: t("losses.bce.target", { t: 1 }), x: c.p, y: c.target_1.loss, color: PALETTE[0] },
    { name: t("losses.bce.target", { t: 0 }), x: c.p, y: c.target_0.loss, color: PALETTE[1] },
  ], { title: t("losses.bce.curve_title"), xTitle: t("losses.bce.p"), yTitle: t("common.loss") });

  function drawLogits() {
    const d = data.logits[String(state.bceTarget)];
    logits.update([
      { name: t("losses.bce.fused"), x: d.z, y: d.bce_with_logits.loss, color: PALETTE[3], width: 3 },
      { name: t("losses.bce.composed"), x: d.z, y: d.bce_of_sigmoid.loss, color: PALETTE[1], dash: "dash" },
    ], { title: t("losses.bce.logits_title", { t: d.target }), xTitle: t("losses.bce.logit"), yTitle: t("common.loss") });
    $("bce-logits-hint").textContent = t("losses.bce.logits_hint", { z: d.unstable_from === null ? "—" : fixed(d.unstable_from, 1) });
    for (const b of document.querySelectorAll("#bce-target button")) {
      b.setAttribute("aria-pressed", String(Number(b.dataset.target) === state.bceTarget));
    }
  }
  $("bce-target").replaceChildren(...BCE_TARGETS.map((target) => {
    const b = Object.assign(document.createElement("button"), { type: "button", textContent: `t = ${target}` });
    b.dataset.target = target;
    b.addEventListener("click", () => { state.bceTarget = target; save(); drawLogits(); });
    return b;
  }));
  drawLogits();
  const rows = data.table.rows.map((r) => [String(r.sample), String(r.y), String(r.t), { text: fixed(r.term), className: "label-cell" }]);
  rows.push([t("losses.bce.mean"), "", "", { text: fixed(data.table.bce_loss), className: "label-cell" }]);
  $("bce-table").replaceChildren(table([t("losses.bce.sample"), "y", "t", t("losses.bce.term")], rows));
}
