// Keeps the page's [data-live-interval] regions current without a full reload: the page is fetched again
// and each region replaced. The server answers from its cache and database, so open tabs do not multiply
// calls to ModelArts. Polling starts at the given interval, doubles (up to 60 s) while nothing changes,
// and pauses while the tab is hidden. Without JavaScript the page is an ordinary page.
(function () {
  "use strict";
  var MAX_SECONDS = 60;
  var regions = Array.prototype.slice.call(document.querySelectorAll("[data-live-interval]"));
  if (!regions.length) { return; }
  var base = Number(regions[0].getAttribute("data-live-interval")) || 5;
  var delay = base;
  var timer = null;
  // What the server sent, before local-time.js rewrote the times: the baseline for "nothing changed".
  var served = {};
  regions.forEach(function (region) { served[region.id] = region.innerHTML; });

  function schedule() {
    clearTimeout(timer);
    if (!document.hidden && regions.length) { timer = setTimeout(poll, delay * 1000); }
  }

  function apply(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var changed = false;
    regions = regions.filter(function (region) {
      var fresh = page.getElementById(region.id);
      if (!fresh) { return true; }
      // Jobs ticked to stop together: the region waits until the choice is sent or cleared.
      if (region.querySelector("input[type=checkbox][form]:checked")) { return true; }
      if (fresh.innerHTML !== served[region.id]) {
        served[region.id] = fresh.innerHTML;
        region.innerHTML = fresh.innerHTML;
        if (window.dashboardLocalTimes) { window.dashboardLocalTimes(region); }
        changed = true;
      }
      return fresh.hasAttribute("data-live-interval");  // e.g. the job reached a final status
    });
    return changed;
  }

  function poll() {
    fetch(window.location.href, { headers: { "X-Live-Refresh": "1" }, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        delay = apply(html) ? base : Math.min(delay * 2, MAX_SECONDS);
        schedule();
      })
      .catch(function () { delay = Math.min(delay * 2, MAX_SECONDS); schedule(); });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { clearTimeout(timer); } else { delay = base; poll(); }
  });
  schedule();
})();
