// 巡田: adds the phone's position to the patrol's GPS track (a hidden JSON field) on each tap.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var btn = document.getElementById("gps-add");
    var field = document.querySelector("[data-gps-track]");
    var out = document.getElementById("gps-count");
    if (!btn || !field || !navigator.geolocation) { if (btn) btn.hidden = true; return; }
    btn.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        var track = [];
        try { track = JSON.parse(field.value || "[]"); } catch (e) { track = []; }
        track.push([+pos.coords.latitude.toFixed(6), +pos.coords.longitude.toFixed(6)]);
        field.value = JSON.stringify(track);
        out.textContent = String(track.length);
      }, function () { out.textContent = out.dataset.failed || "定位失败"; });
    });
  });
})();
