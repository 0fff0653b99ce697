// errors.js: show spec errors ({path, message}) next to the field or layer the
// path names ("layers[2].units", then "layers[2]", then "layers"); the rest in a list.

function parentPath(path) {
  const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
  return cut > 0 ? path.slice(0, cut) : null;
}

function target(root, path) {
  for (let p = path; p; p = parentPath(p)) {
    const found = root.querySelector(`[data-path="${CSS.escape(p)}"]`);
    if (found) return found;
  }
  return null;
}

export function clearErrors(root, list) {
  root.querySelectorAll(".field-error").forEach((n) => n.remove());
  root.querySelectorAll(".invalid").forEach((n) => n.classList.remove("invalid"));
  list.replaceChildren();
}

export function showErrors(root, list, errors) {
  clearErrors(root, list);
  for (const { path, message } of errors) {
    const field = path ? target(root, path) : null;
    const note = document.createElement("div");
    note.className = "field-error";
    note.textContent = field ? message : (path ? `${path}: ${message}` : message);
    if (!field) { list.append(note); continue; }
    field.classList.add("invalid");
    // In the network, notes go under the column so the neurons (and their links) stay put.
    const column = field.closest(".net-col");
    const row = field.closest(".layer-row");
    if (column) column.querySelector(".col-foot").append(note);
    else if (row) row.querySelector(".row-errors").append(note); // the stack editor: under the layer's fields
    else if (field.matches(".dataset-cards")) field.append(note);
    else (field.closest("label") || field).after(note);
  }
}
