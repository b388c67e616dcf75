import "./scroll_hints.js"; // boxes that scroll sideways shade the edge where more lies

// Switching language keeps the view: the state in the URL hash travels with the link.
for (const link of document.querySelectorAll(".lang-switch a")) {
  link.addEventListener("click", () => {
    const url = new URL(location.href);
    url.searchParams.set("lang", link.dataset.lang);
    link.href = url.toString();
  });
}
