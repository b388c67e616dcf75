// The landing page's "Teach a class": create a class and open its dashboard.
import { api, setMembership } from "./class_membership.js";

const teach = document.querySelector("[data-action=teach]");
teach?.addEventListener("click", async () => {
  teach.disabled = true;
  const response = await api("POST", "/api/classes");
  teach.disabled = false;
  if (response.status !== 201) {
    document.getElementById("teach-error").textContent = response.data?.detail ?? String(response.status);
    return;
  }
  setMembership({ role: "teacher", code: response.data.code, token: response.data.teacher_token });
  location.assign(`/class/${response.data.code}`);
});
