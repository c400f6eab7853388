// A form sent back with errors starts the keyboard at the first field to correct, so that a screen reader
// reads that field and its message at once instead of leaving the reader at the top of the page. A page that
// chose where focus starts (autofocus) keeps its choice.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("[autofocus]")) { return; }
    var field = document.querySelector("main [aria-invalid='true']");
    if (field) { field.focus(); }
  });
})();
