/* The land module's offline map: village outlines (an uploaded GeoJSON) as the base layer,
   parcels and households as markers; clicking one opens its record. No request leaves the
   host unless an administrator configures a tile server. */
(function () {
  "use strict";
  var COLORS = {none: "#adb5bd", survey: "#6c757d", appraise: "#0d6efd", publicize: "#0dcaf0",
    sign: "#ffc107", vacate: "#fd7e14", demolish: "#20c997", settle: "#198754"};
  function init() {
    var el = document.getElementById("land-map");
    if (!el || !window.L) return;
    var map = L.map(el, {attributionControl: false});
    if (el.dataset.tileUrl) L.tileLayer(el.dataset.tileUrl, {maxZoom: 19}).addTo(map);
    fetch(el.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      var bounds = null;
      if (data.outlines) {
        var outlines = L.geoJSON(data.outlines, {
          style: {color: "#495057", weight: 1, fillOpacity: 0.05},
          onEachFeature: function (f, layer) {
            var name = (f.properties && (f.properties.name || f.properties.NAME)) || "";
            if (name) layer.bindTooltip(name + (data.outlines_sample ? "（示例）" : ""));
          }
        }).addTo(map);
        bounds = outlines.getBounds();
      }
      var recs = L.geoJSON(data.records, {
        pointToLayer: function (f, latlng) {
          var p = f.properties;
          if (p.kind === "parcel") {
            return L.circleMarker(latlng, {radius: 5, color: "#6f42c1", weight: 1, fillOpacity: 0.6});
          }
          return L.circleMarker(latlng, {radius: 7, color: p.dispute ? "#dc3545" : "#343a40",
            weight: p.dispute ? 3 : 1, fillColor: COLORS[p.stage] || "#adb5bd", fillOpacity: 0.9});
        },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(f.properties.label);
          layer.on("click", function () { window.location.href = f.properties.url; });
        }
      }).addTo(map);
      if (recs.getLayers().length) {
        bounds = bounds ? bounds.extend(recs.getBounds()) : recs.getBounds();
      }
      if (bounds && bounds.isValid()) map.fitBounds(bounds, {padding: [10, 10]});
      else map.setView([29.73, 112.4], 12);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
