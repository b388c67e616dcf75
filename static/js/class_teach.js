// The landing page's "Teach a class": create a class and open its dashboard.
import { api, setMembership } from "./class_membership.js";
import { errorText, loadStrings } from "./i18n.js";

const teach = document.querySelector("[data-action=teach]");
teach?.addEventListener("click", async () => {
  teach.disabled = true;
  const response = await api("POST", "/api/classes");
  teach.disabled = false;
  if (response.status !== 201) {
    // a coded refusal (the class cap) in the page's language; a plain one (Redis out of reach) as sent
    const detail = response.data?.detail;
    if (Array.isArray(detail)) await loadStrings();
    document.getElementById("teach-error").textContent =
      (Array.isArray(detail) ? errorText(detail[0]) : detail) ?? String(response.status);
    return;
  }
  setMembership({ role: "teacher", code: response.data.code, token: response.data.teacher_token });
  location.assign(`/class/${response.data.code}`);
});
