// Copy buttons: <button type="button" class="copy" data-copy="text">, or data-copy-from="id" for the value of
// that field (a secret shown once stays in one place in the page). The text goes to the clipboard
// (the Clipboard API, or a hidden textarea where that is unavailable, e.g. over plain http) and the result
// is announced through the page's #copy-status live region, whose data-copied / data-failed attributes
// hold the words in the page's language. Buttons stay hidden without JavaScript (they could do nothing).
// One listener on the document, so buttons in regions that live.js replaces work too.
(function () {
  "use strict";
  var FEEDBACK_MS = 2000;
  document.documentElement.classList.add("can-copy");

  function copyWithTextarea(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.setAttribute("aria-hidden", "true");
    area.className = "copy-buffer";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    document.body.removeChild(area);
    return copied;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        if (!copyWithTextarea(text)) { throw new Error("copy failed"); }
      });
    }
    return copyWithTextarea(text) ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function announce(button, attribute) {
    var status = document.getElementById("copy-status");
    var words = status ? status.getAttribute(attribute) || "" : "";
    if (status) {
      status.textContent = "";  // emptied first, so a second copy is announced again
      window.setTimeout(function () { status.textContent = words; }, 50);
    }
    if (!button.hasAttribute("data-label")) { button.setAttribute("data-label", button.textContent); }
    button.textContent = words || button.getAttribute("data-label");
    button.classList.toggle("copy--failed", attribute === "data-failed");
    window.clearTimeout(button.copyTimer);
    button.copyTimer = window.setTimeout(function () {
      button.textContent = button.getAttribute("data-label");
      button.classList.remove("copy--failed");
    }, FEEDBACK_MS);
  }

  // Where copying fails, a field's text is left selected, so the keyboard's copy takes it at once.
  function selectSource(source) {
    if (!source || typeof source.select !== "function") { return; }
    source.focus();
    source.select();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest
      ? event.target.closest("button.copy[data-copy], button.copy[data-copy-from]") : null;
    if (!button) { return; }
    var source = button.hasAttribute("data-copy-from")
      ? document.getElementById(button.getAttribute("data-copy-from")) : null;
    var text = source ? source.value : button.getAttribute("data-copy");
    copy(text).then(
      function () { announce(button, "data-copied"); },
      function () { announce(button, "data-failed"); selectSource(source); }
    );
    button.focus();  // the textarea fallback takes the focus for a moment
  });
})();
