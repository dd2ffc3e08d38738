// The project's own script: no inline script is allowed by the Content Security
// Policy, so page behaviour is attached here.
document.addEventListener("htmx:configRequest", (event) => {
  // Send Django's CSRF token with every htmx request.
  const token = document.querySelector("meta[name=csrf-token]");
  if (token) {
    event.detail.headers["X-CSRFToken"] = token.content;
  }
});

// A list's filters ask for the results with the fields that are set only, so the
// address bar keeps a short query ("?status=active", not every empty field).
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get" || !event.detail.elt.closest(".list-filters")) {
    return;
  }
  // htmx 2 hands over the form's FormData (behind a proxy that passes its methods on).
  const parameters = event.detail.parameters;
  for (const name of new Set(parameters.keys())) {
    const values = parameters.getAll(name);
    if (values.every((value) => typeof value === "string" && value.trim() === "")) {
      parameters.delete(name);
    }
  }
});

// Tabs whose links are real addresses (?tab=...): switching a tab in place puts its
// address in the address bar, so a reload or a shared link shows the same tab.
document.addEventListener("shown.bs.tab", (event) => {
  const link = event.target;
  if (link instanceof HTMLAnchorElement && link.search) {
    const url = new URL(window.location.href);
    url.search = link.search;
    window.history.replaceState(window.history.state, "", url);
  }
});

// The filters are folded on a phone and always open from the md breakpoint on; where
// the browser cannot style a <details> element's content (::details-content), open it.
document.addEventListener("DOMContentLoaded", () => {
  if (CSS.supports("selector(::details-content)")) {
    return;
  }
  if (window.matchMedia("(min-width: 768px)").matches) {
    for (const details of document.querySelectorAll("details.list-filters")) {
      details.open = true;
    }
  }
});

// On a phone a record page's tabs scroll sideways: bring the tab shown into view.
document.addEventListener("DOMContentLoaded", () => {
  for (const active of document.querySelectorAll(".nav-tabs .nav-link.active")) {
    const tabs = active.closest(".nav-tabs");
    if (tabs.scrollWidth > tabs.clientWidth) {
      tabs.scrollLeft = active.offsetLeft - tabs.offsetLeft - 16;
    }
  }
});
