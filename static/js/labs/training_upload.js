// A CSV run names its file by the id the upload returned, and the server keeps uploads in memory only:
// after a restart (or once unused for the upload TTL) a link to such a run finds the file gone. The
// page then says so in the Data panel's upload box, in the page's language, and offers the upload
// again, instead of the server's English message in the error box and the status line.
import { t } from "../i18n.js";

// The server's FieldError for a missing upload id names the field "upload" or "config.upload"; the
// page reports it as "<field>: <text>", with a full-width colon on zh pages ("upload:…").
const GONE = /^(config\.)?upload\s*[:\uff1a]/;

export function reportsUploadGone(text) {
  return GONE.test(text);
}

export function showUploadGone() {
  const box = document.getElementById("upload-box");
  const info = document.getElementById("upload-info");
  box.hidden = false;
  const note = Object.assign(document.createElement("p"), { className: "upload-gone", textContent: t("training.upload_gone") });
  note.setAttribute("role", "alert");
  const again = Object.assign(document.createElement("button"), {
    type: "button", className: "secondary", textContent: t("training.upload_again"),
  });
  again.dataset.action = "upload-again";
  again.addEventListener("click", () => document.getElementById("csv-file").click());
  info.replaceChildren(note, again);
  note.scrollIntoView({ block: "nearest" }); // the form scrolls on its own: bring the news into sight
  const status = document.querySelector("[data-status-line]");
  if (status?.dataset.status === "error") status.textContent = `${t("common.error")}: ${t("training.upload_gone_short")}`;
}
