// Tables of numbers: a header is text or {text, color}; a cell is text or {text, className, title}.
export function table(headers, rows, { caption = "" } = {}) {
  const el = document.createElement("table");
  el.className = "numbers";
  if (caption) el.createCaption().textContent = caption;
  const head = el.createTHead().insertRow();
  for (const h of headers) {
    const th = document.createElement("th");
    if (h && typeof h === "object") {
      th.textContent = h.text;
      if (h.color) th.style.color = h.color;
    } else {
      th.textContent = h;
    }
    head.append(th);
  }
  const body = el.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const cell of r) {
      const td = tr.insertCell();
      if (cell && typeof cell === "object") {
        td.textContent = cell.text ?? "";
        if (cell.className) td.className = cell.className;
        if (cell.title) td.title = cell.title;
      } else {
        td.textContent = cell;
      }
    }
  }
  return el;
}
