// The project's own script: no inline script is allowed by the Content Security
// Policy, so page behaviour is attached here.
document.addEventListener("htmx:configRequest", (event) => {
  // Send Django's CSRF token with every htmx request.
  const token = document.querySelector("meta[name=csrf-token]");
  if (token) {
    event.detail.headers["X-CSRFToken"] = token.content;
  }
});
