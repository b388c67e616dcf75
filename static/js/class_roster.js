// The dashboard's roster: one row per student (name or alias, lab, status, step, loss sparkline) and the
// counts at a glance. Every name goes in as textContent: a student's name is text, never markup.
import { t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const SPARK = { width: 96, height: 22 };

export function sparkline(losses) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "sparkline");
  svg.setAttribute("width", SPARK.width);
  svg.setAttribute("height", SPARK.height);
  svg.setAttribute("viewBox", `0 0 ${SPARK.width} ${SPARK.height}`);
  svg.setAttribute("aria-hidden", "true");
  const values = losses.map((v, i) => [i, v]).filter(([, v]) => typeof v === "number" && Number.isFinite(v));
  if (values.length < 2) return svg;
  const ys = values.map(([, v]) => v);
  const lo = Math.min(...ys);
  const span = Math.max(...ys) - lo || 1;
  const last = Math.max(losses.length - 1, 1);
  const points = values.map(([i, v]) => {
    const x = (i / last) * (SPARK.width - 2) + 1;
    const y = SPARK.height - 2 - ((v - lo) / span) * (SPARK.height - 4);
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  const line = document.createElementNS(SVG, "polyline");
  line.setAttribute("points", points.join(" "));
  svg.append(line);
  return svg;
}

export function counts(students) {
  const online = students.filter((s) => s.connected).length;
  const running = students.filter((s) => s.status === "running").length;
  const diverged = students.filter((s) => s.status === "diverged").length;
  return t("class.counts", { joined: students.length, online, running, diverged });
}

function cell(text, className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  if (text !== undefined) td.textContent = text;
  return td;
}

// Rows for `students`; `onPresent(run_id)` puts a student's run (anonymously) on every screen.
export function rosterRows(students, { hideNames, labTitle, presenting, onPresent }) {
  return students.map((s) => {
    const tr = document.createElement("tr");
    tr.dataset.studentId = s.student_id;
    if (!s.connected) tr.classList.add("away");
    if (s.run_id && s.run_id === presenting) tr.classList.add("presented");
    const name = cell(undefined, "roster-name");
    const shown = hideNames ? s.alias : s.name;
    if (s.run_id && s.lab) {
      const link = document.createElement("a");
      link.href = `/labs/${encodeURIComponent(s.lab)}?watch=${encodeURIComponent(s.run_id)}`;
      link.target = "_blank";
      link.rel = "noopener";
      link.title = t("class.watch");
      link.textContent = shown;
      name.append(link);
    } else {
      name.textContent = shown;
    }
    if (!s.connected) name.append(" ", Object.assign(document.createElement("small"), { textContent: t("class.away") }));
    const status = cell(s.status ? t(`class.status.${s.status}`) : t("class.no_run"), "roster-status");
    status.dataset.status = s.status ?? "none";
    const spark = cell(undefined, "roster-spark");
    spark.append(sparkline(s.losses ?? []));
    const actions = cell(undefined, "roster-actions");
    if (s.run_id) {
      const present = document.createElement("button");
      present.type = "button";
      present.className = "secondary";
      present.dataset.action = "present-student";
      present.textContent = t("class.present");
      present.addEventListener("click", () => onPresent(s.run_id));
      actions.append(present);
    }
    tr.append(name, cell(s.lab ? labTitle(s.lab) : "—"), status, cell(s.step ?? "—"), spark, actions);
    return tr;
  });
}
