// Forms marked data-confirm ask before they are sent (cancelling an application, deleting a draft):
// the question is the attribute's text. No inline handlers: strict CSP. Without JavaScript the
// form is sent as it is.
document.addEventListener("submit", function (event) {
  var form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
});
