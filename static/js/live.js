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
  // What the server sent, before local-time.js rewrote the times: the baseline for "nothing changed". Stamps
  // ([data-live-stamp], e.g. when the data was fetched) are left out: a new time alone is no change, and
  // is shown without replacing the rest of the region.
  var served = {};
  regions.forEach(function (region) { served[region.id] = withoutStamps(region); });

  function withoutStamps(element) {
    var copy = element.cloneNode(true);
    copy.querySelectorAll("[data-live-stamp]").forEach(function (stamp) { stamp.remove(); });
    return copy.innerHTML;
  }

  function updateStamps(region, fresh) {
    var current = region.querySelectorAll("[data-live-stamp]");
    fresh.querySelectorAll("[data-live-stamp]").forEach(function (stamp, index) {
      if (current[index]) { current[index].replaceWith(document.importNode(stamp, true)); }
    });
  }

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
      var content = withoutStamps(fresh);
      if (content !== served[region.id]) {
        served[region.id] = content;
        region.innerHTML = fresh.innerHTML;
        changed = true;
      } else {
        updateStamps(region, fresh);
      }
      if (window.dashboardLocalTimes) { window.dashboardLocalTimes(region); }
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
