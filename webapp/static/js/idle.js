// The idle logout, warned of before it comes (WCAG 2.2.1 Timing Adjustable): a login unused for
// its role's limit ends (webapp/security.py), and what was typed but not sent is lost with it. A
// few minutes before, a notice says so and offers to extend the login; extending asks the server
// (/keepalive), which counts as a use. Each tab notes when the login was last used in
// localStorage, so a clerk working in another tab is not warned here. No inline code: strict CSP.
(function () {
  var meta = document.querySelector('meta[name="idle-limit"]');
  if (!meta || !window.fetch) { return; }
  var limit = parseInt(meta.getAttribute("content"), 10) * 1000;
  var warning = parseInt(meta.getAttribute("data-warning"), 10) * 1000;
  var KEY = "mamis-last-use";
  var loaded = Date.now();
  var box = null;
  var before = null;

  function touch() {
    try { localStorage.setItem(KEY, String(Date.now())); } catch (e) { /* private mode: this tab alone */ }
  }
  function lastUse() {
    var noted = 0;
    try { noted = parseInt(localStorage.getItem(KEY), 10) || 0; } catch (e) { noted = 0; }
    return Math.max(noted, loaded);
  }

  function notice() {
    if (box) { return box; }
    box = document.createElement("div");
    box.id = "idle-warning";
    box.className = "notice notice-warning idle-warning";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-labelledby", "idle-warning-text");
    box.setAttribute("tabindex", "-1");
    var text = document.createElement("p");
    text.id = "idle-warning-text";
    box.appendChild(text);
    var button = document.createElement("button");
    button.type = "button";
    button.id = "idle-extend";
    button.className = "button primary";
    button.textContent = meta.getAttribute("data-extend");
    button.addEventListener("click", extend);
    box.appendChild(button);
    document.body.appendChild(box);
    return box;
  }

  function show(ended) {
    var shown = box !== null && !box.hidden;
    var b = notice();
    b.querySelector("#idle-warning-text").textContent = meta.getAttribute(ended ? "data-ended" : "data-warn");
    b.querySelector("#idle-extend").hidden = ended;
    b.hidden = false;
    if (!shown) {
      before = document.activeElement;
      (ended ? b : b.querySelector("#idle-extend")).focus();
    }
  }

  function hide() {
    if (!box || box.hidden) { return; }
    box.hidden = true;
    if (before && before.focus) { before.focus(); }
  }

  function extend() {
    fetch(meta.getAttribute("data-keepalive"), { credentials: "same-origin", redirect: "manual" })
      .then(function (answer) {
        if (answer.status === 204) { touch(); loaded = Date.now(); hide(); } else { show(true); }
      })
      .catch(function () { /* the network: the notice stays, to try again */ });
  }

  function check() {
    var idle = Date.now() - lastUse();
    if (idle >= limit) { show(true); } else if (idle >= limit - warning) { show(false); } else { hide(); }
  }

  touch();
  setInterval(check, 5000);
})();
