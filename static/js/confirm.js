// Asks for an action's confirmation in a <dialog> on the same page: a link with data-dialog opens the dialog
// of that id instead of its confirmation page, and a data-dialog-close link in it closes it again. Clicks are
// caught on the document, so links that live.js puts in the page later work too; a link whose dialog is not
// on the page (an action the job allows only since the page was loaded) opens its confirmation page.
// Without JavaScript every link is an ordinary link to that page. A confirmed action's button is disabled once
// its form is sent, so a double click asks ModelArts once (a reload after the redirect asks nothing either).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var opener = target.closest("a[data-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-dialog"));
      if (dialog && typeof dialog.showModal === "function") {
        event.preventDefault();
        dialog.showModal();
      }
      return;
    }
    var closer = target.closest("dialog [data-dialog-close]");
    if (closer) {
      event.preventDefault();
      closer.closest("dialog").close();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("action-form")) { return; }
    var button = form.querySelector("button[type=submit]");
    // After the submission has started: a button disabled before it would leave the form unsent.
    if (button) { setTimeout(function () { button.disabled = true; }, 0); }
  });
})();
