// The postal-code lookup (GET /postal-code) answers with the prefecture and, in its HX-Trigger
// header, the code as written and the town (市区町村・町域). The town goes in front of what the
// member typed in the address box — typed while the lookup ran, or nothing yet — and never over
// it: the box is not replaced, so neither the text nor the cursor is lost. An address typed
// before the lookup that names another town is left as it is (the note beside the code says so).
document.addEventListener("postal-found", function (event) {
  var found = event.detail || {};
  var code = document.getElementById("postal_code");
  var box = document.getElementById("address");
  if (code && found.code) { code.value = found.code; }
  if (!box || !found.town) { return; }
  var now = box.value;
  if (now.indexOf(found.town) === 0) { return; }
  if (now.trim() === "") {
    box.value = found.town;
  } else if ((found.sent || "").trim() === "") {
    box.value = found.town + now;
  } else {
    return;
  }
  if (document.activeElement === box) { box.setSelectionRange(box.value.length, box.value.length); }
});
