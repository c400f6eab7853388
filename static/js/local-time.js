// Shows every <time datetime="...Z"> in the browser's own time zone; the UTC value stays in the title.
(function () {
  "use strict";
  function localise(root) {
    root.querySelectorAll("time[datetime]").forEach(function (element) {
      var moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment)) { return; }
      element.textContent = moment.toLocaleString(undefined, {
        year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
      });
      element.title = "UTC: " + element.getAttribute("datetime");
    });
  }
  window.dashboardLocalTimes = localise;
  document.addEventListener("DOMContentLoaded", function () { localise(document); });
})();
