// Forms marked data-confirm ask before they are sent (cancelling an application, deleting a draft):
// the question is the attribute's text. No inline handlers: strict CSP. Without JavaScript the
// form is sent as it is.
document.addEventListener("submit", function (event) {
  var form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
});
// A button of its own within a larger form (deleting one uploaded file) asks the same way.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("button[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
});

// A page that answers a form with errors: the summary of the errors takes the focus, so a screen
// reader reads it and a keyboard user starts from it (its links lead to the fields).
document.addEventListener("DOMContentLoaded", function () {
  // (an error said after a redirect — a refused action — is focused the same way)
  var summary = document.querySelector(".error-summary") || document.querySelector(".flash-error");
  if (summary) {
    if (!summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
    // a form sent from an address with a fragment (…#notes-title) comes back with it, and the
    // browser would scroll to that section, the summary and its focus out of sight
    if (location.hash && summary.classList.contains("error-summary")) {
      history.replaceState(null, "", location.pathname + location.search);
    }
    summary.focus();
  }
});

// Enter in a live search box (the facility search) searches, instead of sending the whole form
// with its first button ("次へ"), which answered with the form's errors.
document.addEventListener("keydown", function (event) {
  var box = event.target;
  if (event.key !== "Enter" || !box.matches || !box.matches("input[type=search][hx-get]")) { return; }
  event.preventDefault();
  box.dispatchEvent(new Event("search", { bubbles: true }));
});

// Every error message shown beside a field describes that field's controls (aria-invalid and
// aria-describedby), whichever template drew it; and a summary link to a field the page does not
// have (an error about the whole choice) leads to the first field in error, or the form's first
// group of fields.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".field-error[id]").forEach(function (error) {
    var box = error.closest(".field, fieldset, .document-target");
    if (!box) { return; }
    // (the "show the password" box beside a password is no entry of its own: never marked invalid)
    box.querySelectorAll("input:not([type=hidden]):not([data-shows]), select, textarea").forEach(function (control) {
      control.setAttribute("aria-invalid", "true");
      var ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      if (ids.indexOf(error.id) < 0) {
        ids.push(error.id);
        control.setAttribute("aria-describedby", ids.join(" "));
      }
    });
  });
  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
    var id = link.getAttribute("href").slice(1);
    if (document.getElementById(id)) { return; }
    var target = document.getElementById("field-" + id) || document.querySelector("main [aria-invalid=true][id]") ||
      document.querySelector("main form.form fieldset[id], main form.form .field[id]");
    if (target) { link.setAttribute("href", "#" + target.id); }
  });
});

// A link that leaves the page (the language switch) asks first when a form on the page has been
// typed in and not sent: the switch reloads the page, and what was typed would be lost.
(function () {
  var typed = false;
  document.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest("form") && event.target.type !== "search") { typed = true; }
  });
  document.addEventListener("submit", function () { typed = false; });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-leaves-form]");
    if (link && typed && !window.confirm(link.getAttribute("data-leaves-form"))) { event.preventDefault(); }
  });
})();
