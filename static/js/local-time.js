// Shows every <time datetime="...Z"> in the browser's own time zone, written with the pattern the server uses
// for the page's language (its DATETIME_FORMAT, in this script's data-pattern: "Y-m-d H:i:s T" in English,
// "Y年n月j日 H:i:s T" in Chinese), so a time reads the same before and after this script; the UTC value stays
// in the title (shown on hover). A pattern letter this script does not know leaves the server's text alone.
// data-style="time" (how fresh a page's data is): a moment of today, in the browser's zone, as its time alone.
(function () {
  "use strict";
  var script = document.currentScript;
  var pattern = (script && script.getAttribute("data-pattern")) || "Y-m-d H:i:s T";
  var locale = document.documentElement.lang || undefined;
  try { new Date().toLocaleString(locale); } catch (error) { locale = undefined; }  // an unknown tag
  var parts = new Intl.DateTimeFormat(locale, {
    year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
    hourCycle: "h23", timeZoneName: "short", numberingSystem: "latn",
  });
  function bare(value) { return String(parseInt(value, 10)); }
  function two(value) { value = bare(value); return value.length < 2 ? "0" + value : value; }
  // Django's date-format letters, each from the moment's parts in the browser's time zone.
  var letters = {
    Y: function (p) { return p.year; },
    m: function (p) { return two(p.month); },
    n: function (p) { return bare(p.month); },
    d: function (p) { return two(p.day); },
    j: function (p) { return bare(p.day); },
    H: function (p) { return two(p.hour); },
    G: function (p) { return bare(p.hour); },
    i: function (p) { return two(p.minute); },
    s: function (p) { return two(p.second); },
    T: function (p) { return p.timeZoneName; },
  };
  var TIME_OF_DAY = "H:i:s";
  function partsOf(moment) {
    var named = {};
    parts.formatToParts(moment).forEach(function (part) { named[part.type] = part.value; });
    return named;
  }
  function sameDay(one, other) {
    return one.year === other.year && one.month === other.month && one.day === other.day;
  }
  function written(named, format) {
    var text = "";
    for (var index = 0; index < format.length; index += 1) {
      var letter = format.charAt(index);
      if (letter === "\\") {
        index += 1;
        text += format.charAt(index);
      } else if (letters[letter]) {
        text += letters[letter](named);
      } else if (/[A-Za-z]/.test(letter)) {
        return null;
      } else {
        text += letter;
      }
    }
    return text;
  }
  function localise(root) {
    root.querySelectorAll("time[datetime]").forEach(function (element) {
      var moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment)) { return; }
      var named = partsOf(moment);
      var today = element.getAttribute("data-style") === "time" && sameDay(named, partsOf(new Date()));
      var text = written(named, today ? TIME_OF_DAY : pattern);
      if (text !== null) { element.textContent = text; }
      element.title = "UTC: " + element.getAttribute("datetime");
    });
  }
  window.dashboardLocalTimes = localise;
  document.addEventListener("DOMContentLoaded", function () { localise(document); });
})();
