// Keyboard for the player: Space plays or pauses, → steps a paused run. Keys typed into a form field
// stay there (a range input uses the arrows itself), and Space on a focused button clicks that button.
const FIELDS = "input, select, textarea";

export function bindKeys(player) {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target instanceof Element ? event.target : document.body;
    if (target.closest(FIELDS) || target.isContentEditable) return;
    if (event.key === " ") {
      if (target.closest("button, a, summary")) return;
      event.preventDefault(); // not a page scroll
      player.toggle();
    } else if (event.key === "ArrowRight") {
      event.preventDefault();
      player.stepOnce();
    }
  });
}
