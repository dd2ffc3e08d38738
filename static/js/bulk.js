// Bulk changes on a list (core/partials/bulk_panel.html). The form works without
// script; with it, the box for all that match ticks the rows shown, and the panel
// says how many are selected and opens once something is.
(() => {
  const update = () => {
    const all = document.querySelector("[data-bulk-all]");
    const count = document.querySelector("[data-bulk-count]");
    if (!count) {
      return;
    }
    const picked =
      all && all.checked
        ? Number(all.dataset.bulkTotal)
        : document.querySelectorAll("[data-bulk-pick]:checked").length;
    count.textContent = picked ? count.dataset.bulkCountText.replace("{count}", picked) : "";
    const panel = count.closest("details");
    if (picked && panel) {
      panel.open = true;
    }
  };

  document.addEventListener("change", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement)) {
      return;
    }
    if (box.matches("[data-bulk-all]")) {
      // Every row is then selected, on every page: the rows shown say so.
      for (const pick of document.querySelectorAll("[data-bulk-pick]")) {
        pick.checked = box.checked;
        pick.disabled = box.checked;
      }
    }
    if (box.matches("[data-bulk-all], [data-bulk-pick]")) {
      update();
    }
  });
  // A list whose rows htmx swaps starts its count again.
  document.addEventListener("htmx:afterSettle", update);
  document.addEventListener("DOMContentLoaded", update);
})();
