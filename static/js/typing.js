// A field holds an edit from its `input` event until its `change` commits it. A page that writes its
// state into the form later (a refresh's answer, a restart, a loaded surface) must not overwrite such an
// edit: the user's typing would be lost, and the `change` that follows would commit the old value.
const uncommitted = new WeakSet();
document.addEventListener("input", (event) => uncommitted.add(event.target), true);
// capture phase: the field's own `change` handler may then write the committed (clamped) value back
document.addEventListener("change", (event) => uncommitted.delete(event.target), true);

export function showValue(el, value) {
  // the same text is not written again: writing moves the caret to the end, out of a selection
  if (!uncommitted.has(el) && el.value !== String(value)) el.value = value;
}
