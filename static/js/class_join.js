// /join: a code and an optional name; the browser then belongs to the class (see class_membership.js).
import { loadStrings, t } from "./i18n.js";
import { api, setMembership } from "./class_membership.js";

const form = document.getElementById("join-form");
const error = document.getElementById("join-error");
const REASONS = { 404: "class.join_unknown", 409: "class.join_full", 429: "class.join_slow", 422: "class.join_bad" };

await loadStrings();
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const code = form.elements.code.value.trim().toUpperCase();
  if (!/^[A-Z0-9]{6}$/.test(code)) {
    error.textContent = t("class.join_bad");
    return;
  }
  const name = form.elements.name.value.trim();
  const response = await api("POST", `/api/classes/${code}/students`, { body: name ? { name } : {} });
  if (response.status !== 201) {
    error.textContent = t(REASONS[response.status] ?? "class.join_unknown");
    return;
  }
  const { student_id: studentId, student_token: token, name: shown } = response.data;
  setMembership({ role: "student", code, token, name: shown, student_id: studentId });
  location.assign("/"); // the labs, with the class bar on every page
});
