// The teacher's dashboard: how to join (code, address, QR), the live roster, and the class's controls:
// release, freeze, send a scene, hide names, the class experiment, end the class.
import { loadStrings, t, errorText } from "./i18n.js";
import { ClassSocket } from "./class_socket.js";
import { api, membership, setMembership } from "./class_membership.js";
import { counts, rosterRows } from "./class_roster.js";
import { drawExperiment, fillFields } from "./class_experiment.js";

const $ = (id) => document.getElementById(id);
const root = $("class-dash");
const code = root.dataset.code;
const member = membership();
const action = (name) => root.querySelector(`[data-action=${name}]`);
const labTitles = Object.fromEntries([...$("scene-lab").options].map((o) => [o.value, o.textContent]));

let roster = { students: [], presenting: null, frozen: false, experiment: null };
let socket = null;

function showError(text) {
  $("class-error").textContent = text;
}

function render() {
  const { students, presenting, frozen } = roster;
  $("counts").textContent = counts(students);
  $("roster-empty").hidden = students.length > 0;
  const presented = presenting && students.find((s) => s.run_id === presenting);
  $("presenting-line").textContent = [
    presenting ? t("class.presenting_run", { lab: labTitles[presented?.lab] ?? "…" }) : t("class.presenting_none"),
    frozen ? t("class.frozen_line") : "",
  ].filter(Boolean).join(" ");
  root.dataset.presenting = presenting ?? "";
  root.dataset.frozen = String(frozen);
  action("release").disabled = !presenting;
  const freeze = action("freeze");
  freeze.textContent = t(frozen ? "class.unfreeze" : "class.freeze");
  freeze.setAttribute("aria-pressed", String(frozen));
  $("roster").querySelector("tbody").replaceChildren(...rosterRows(students, {
    hideNames: $("hide-names").checked,
    labTitle: (lab) => labTitles[lab] ?? lab,
    presenting,
    onPresent: (runId) => socket.send({ type: "present", run_id: runId }), // anonymous: no name goes out
  }));
  drawExperiment($("experiment-chart"), roster.experiment);
}

function ended() {
  setMembership(null);
  socket?.close();
  root.replaceChildren(Object.assign(document.createElement("p"), { className: "panel class-missing", textContent: t("class.ended") }));
}

async function showQr() {
  const response = await fetch(`/api/classes/${code}/qr.svg`, { headers: { Authorization: `Bearer ${member.token}` } });
  if (response.ok) $("join-qr").src = URL.createObjectURL(await response.blob());
}

function wireControls() {
  action("release").addEventListener("click", () => socket.send({ type: "present", run_id: null }));
  action("freeze").addEventListener("click", () => socket.send({ type: "freeze", on: !roster.frozen }));
  action("push").addEventListener("click", () => socket.send({ type: "push", lab: $("scene-lab").value, config: {} }));
  $("hide-names").addEventListener("change", render);
  action("end").addEventListener("click", async () => {
    if (!window.confirm(t("class.end_confirm"))) return;
    const response = await api("DELETE", `/api/classes/${code}`, { token: member.token });
    if (response.status === 204 || response.status === 404) ended();
  });
  const form = $("experiment-form");
  const lab = form.elements.lab;
  const metric = form.elements.metric;
  const showTarget = () => { form.querySelector("[data-target-field]").hidden = metric.value !== "steps_to_target"; };
  lab.addEventListener("change", () => fillFields($("experiment-fields"), lab.value));
  metric.addEventListener("change", showTarget);
  fillFields($("experiment-fields"), lab.value);
  showTarget();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { lab: lab.value, field: form.elements.field.value.trim(), metric: metric.value };
    if (metric.value === "steps_to_target") body.target = Number(form.elements.target.value);
    const response = await api("PUT", `/api/classes/${code}/experiment`, { token: member.token, body });
    if (!response.ok) {
      const detail = response.data?.detail?.[0];
      showError(detail ? errorText(detail) : String(response.status));
      return;
    }
    showError("");
    roster.experiment = response.data.experiment;
    render();
  });
}

await loadStrings();
if (!member || member.role !== "teacher" || member.code !== code) {
  $("class-missing").hidden = false;
  for (const section of root.querySelectorAll("section")) section.hidden = true;
} else {
  const url = `${location.origin}/join/${code}`; // the address this browser used: students on its network reach it
  $("join-url").href = url;
  $("join-url").textContent = url;
  showQr();
  wireControls();
  render();
  socket = new ClassSocket({
    onConnection: (state) => {
      root.dataset.connection = state;
      if (state === "open") socket.send({ type: "join", code, token: member.token });
    },
  });
  socket.on("roster", (m) => { roster = m; render(); });
  socket.on("ended", ended);
  socket.on("error", (m) => {
    if (m.field === "code" || m.field === "token") ended();
    else showError(errorText(m));
  });
}
