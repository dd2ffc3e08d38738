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

// Choosers (core/choosers.py): a text field that suggests records as one types, an
// ARIA combobox. htmx fills the suggestions; the keys and clicks are handled here.
const chooser = {
  list(input) {
    return document.getElementById(input.getAttribute("aria-controls"));
  },
  options(input) {
    const list = chooser.list(input);
    return list ? [...list.querySelectorAll("[role=option]:not([aria-disabled=true])")] : [];
  },
  say(input, text) {
    const status = document.getElementById(input.dataset.chooserStatus);
    if (status) {
      status.textContent = text;
    }
  },
  open(input) {
    const list = chooser.list(input);
    if (list && list.children.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
  },
  close(input) {
    const list = chooser.list(input);
    if (list) {
      list.hidden = true;
    }
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  },
  move(input, step) {
    const options = chooser.options(input);
    if (!options.length) {
      return;
    }
    chooser.open(input);
    const current = options.findIndex((option) => option.id === input.getAttribute("aria-activedescendant"));
    const next = current === -1 ? (step > 0 ? 0 : options.length - 1) : (current + step + options.length) % options.length;
    options.forEach((option, index) => {
      const active = index === next;
      option.setAttribute("aria-selected", active ? "true" : "false");
      option.classList.toggle("active", active);
    });
    input.setAttribute("aria-activedescendant", options[next].id);
    options[next].scrollIntoView({ block: "nearest" });
  },
  pick(input, option) {
    const title = option.dataset.value;
    if (input.dataset.chooserMultiple !== undefined) {
      const chosen = document.getElementById(input.dataset.chooserChosen);
      const taken = [...chosen.querySelectorAll("input[type=checkbox]")].some((box) => box.value === option.dataset.pk);
      if (!taken) {
        const item = document.createElement("li");
        item.className = "form-check";
        const box = document.createElement("input");
        box.type = "checkbox";
        box.className = "form-check-input";
        box.name = input.name;
        box.value = option.dataset.pk;
        box.id = `${chosen.id}-${option.dataset.pk}`;
        box.checked = true;
        const label = document.createElement("label");
        label.className = "form-check-label";
        label.htmlFor = box.id;
        label.textContent = title;
        item.append(box, label);
        chosen.append(item);
      }
      input.value = "";
    } else {
      input.value = title;
    }
    chooser.close(input);
    chooser.say(input, input.dataset.chooserChosenSay.replace("%s", title));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  },
};

document.addEventListener("keydown", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.dataset.chooser === undefined) {
    return;
  }
  const expanded = input.getAttribute("aria-expanded") === "true";
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    chooser.move(input, event.key === "ArrowDown" ? 1 : -1);
  } else if (event.key === "Enter" && expanded) {
    const active = document.getElementById(input.getAttribute("aria-activedescendant") || "");
    if (active) {
      event.preventDefault();
      chooser.pick(input, active);
    }
  } else if (event.key === "Escape" && expanded) {
    event.preventDefault();
    chooser.close(input);
  } else if (event.key === "Tab") {
    chooser.close(input);
  }
});

document.addEventListener("click", (event) => {
  const option = event.target.closest("[role=option]");
  const list = option && option.closest(".chooser-options");
  const input = list && document.querySelector(`[aria-controls="${list.id}"]`);
  if (input && option.getAttribute("aria-disabled") !== "true") {
    chooser.pick(input, option);
    input.focus();
    return;
  }
  for (const open of document.querySelectorAll("[data-chooser][aria-expanded=true]")) {
    if (!open.closest(".chooser").contains(event.target)) {
      chooser.close(open);
    }
  }
});

// New suggestions: show them (while the field still has the focus) and say how many.
document.addEventListener("htmx:afterSwap", (event) => {
  const list = event.detail.target;
  if (!list.classList || !list.classList.contains("chooser-options")) {
    return;
  }
  const input = document.querySelector(`[aria-controls="${list.id}"]`);
  if (!input) {
    return;
  }
  input.removeAttribute("aria-activedescendant");
  const count = chooser.options(input).length;
  if (list.children.length && document.activeElement === input) {
    chooser.open(input);
  } else {
    chooser.close(input);
  }
  const say = count === 1 ? input.dataset.chooserOne : input.dataset.chooserMany;
  chooser.say(input, say.replace("%d", count));
});
