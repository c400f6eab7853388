// Shows every <time datetime="...Z"> in the browser's own time zone, written the way the page's language
// writes dates; the UTC value stays in the title (shown on hover).
(function () {
  "use strict";
  var locale = document.documentElement.lang || undefined;
  try { new Date().toLocaleString(locale); } catch (error) { locale = undefined; }  // an unknown tag
  function localise(root) {
    root.querySelectorAll("time[datetime]").forEach(function (element) {
      var moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment)) { return; }
      // data-style="time": a moment of today as its time of day alone (e.g. when the page's data was fetched).
      if (element.getAttribute("data-style") === "time" && moment.toDateString() === new Date().toDateString()) {
        element.textContent = moment.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
      } else {
        element.textContent = moment.toLocaleString(locale, {
          year: "numeric", month: "2-digit", day: "2-digit",
          hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
        });
      }
      element.title = "UTC: " + element.getAttribute("datetime");
    });
  }
  window.dashboardLocalTimes = localise;
  document.addEventListener("DOMContentLoaded", function () { localise(document); });
})();
