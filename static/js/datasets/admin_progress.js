// datasets/admin_progress.js: the admin's dataset list and page. While an upload is
// processing, poll its status and progress (admin/playground/dataset/progress/) and
// update the status cell in place; reload once every upload has finished.
(function () {
  "use strict";
  const EVERY_MS = 1000;
  // The admin's pages may not load a JavaScript catalog: the status in words then stays English.
  const gettext = typeof window.gettext === "function" ? window.gettext : (msgid) => msgid;
  const STATUS = { processing: gettext("processing"), ready: gettext("ready"), failed: gettext("failed") };

  function cells() {
    return Array.from(document.querySelectorAll(".upload-status[data-status=processing]"));
  }

  function progressUrl() {
    const path = location.pathname;
    const base = path.slice(0, path.indexOf("/playground/dataset/") + "/playground/dataset/".length);
    return base + "progress/";
  }

  function show(cell, row) {
    if (cell.dataset.status !== row.status) cell.querySelector("b").textContent = STATUS[row.status] || row.status; // else the server's words stay
    cell.dataset.status = row.status;
    const bar = cell.querySelector("progress");
    bar.value = row.progress;
    bar.hidden = row.status !== "processing";
    cell.childNodes[1].textContent = row.status === "processing" ? ` ${row.progress}%` : " ";
    cell.querySelector(".upload-message").textContent = row.message;
  }

  async function poll() {
    const pending = cells();
    if (!pending.length) return;
    try {
      const ids = pending.map((c) => c.dataset.id).join(",");
      const response = await fetch(`${progressUrl()}?ids=${ids}`, { credentials: "same-origin" });
      const body = await response.json();
      for (const row of body.datasets) {
        for (const cell of pending.filter((c) => c.dataset.id === String(row.id))) show(cell, row);
      }
    } catch (err) {
      /* the next poll tries again */
    }
    if (cells().length) setTimeout(poll, EVERY_MS);
  }

  document.addEventListener("DOMContentLoaded", () => setTimeout(poll, EVERY_MS));
})();
