// The overview map of a plan: one colour a route, stops numbered, the canteen, relay points.
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || !window.L) { return; }
  var COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#ff7f0e"];
  var map = L.map(box, { attributionControl: true });
  if (box.dataset.tiles) { L.tileLayer(box.dataset.tiles, { maxZoom: 19 }).addTo(map); }
  L.control.scale({ imperial: false }).addTo(map);
  fetch(box.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
    var colour = {};
    var couriers = [];
    data.routes.features.forEach(function (f) {
      var c = f.properties.courier;
      if (!(c in colour)) { colour[c] = COLOURS[couriers.length % COLOURS.length]; couriers.push(c); }
    });
    var layer = L.geoJSON(data.routes, {
      style: function (f) { return { color: colour[f.properties.courier], weight: 4, opacity: 0.85 }; },
      pointToLayer: function (f, latlng) {
        var icon = L.divIcon({ className: "stop-label", html: String(f.properties.order), iconSize: [22, 22] });
        return L.marker(latlng, { icon: icon, title: f.properties.courier + " #" + f.properties.order, alt: f.properties.courier + " " + f.properties.order });
      },
      onEachFeature: function (f, l) {
        if (f.geometry.type === "LineString") { l.getElement && l.on("add", function () { var e = l.getElement(); if (e) { e.setAttribute("data-courier", f.properties.courier); e.classList.add("route-line"); } }); }
        if (f.geometry.type === "Point") { l.on("add", function () { var e = l.getElement(); if (e) { e.style.borderColor = colour[f.properties.courier]; e.setAttribute("data-clients", (f.properties.clients || []).join(" ")); } }); }
        l.bindPopup(f.properties.courier + (f.properties.order ? " #" + f.properties.order + " " + f.properties.arrival : ""));
      }
    });
    var home = L.latLng(data.canteen.lat, data.canteen.lon);
    var bounds = data.routes.features.length ? layer.getBounds().extend(home) : L.latLngBounds(home, home);
    map.fitBounds(bounds.pad(0.1), { maxZoom: 17 });  // a view first: layers need one to draw
    layer.addTo(map);
    L.circleMarker(home, { radius: 10, color: "#000", fillColor: "#ffd700", fillOpacity: 1 })
      .bindTooltip(box.dataset.canteenLabel + ": " + data.canteen.name, { permanent: true, direction: "top" }).addTo(map);
    data.relay_points.forEach(function (p) {
      L.circleMarker([p.lat, p.lon], { radius: 8, color: "#000", fillColor: "#fff", fillOpacity: 1 })
        .bindTooltip(box.dataset.relayLabel + ": " + p.name).addTo(map);
    });
    var credits = [];
    if (data.osm) { credits.push("© OpenStreetMap contributors"); } else { credits.push(box.dataset.straight); }
    map.attributionControl.setPrefix(false);
    credits.forEach(function (c) { map.attributionControl.addAttribution(c); });
    box.dataset.routes = String(couriers.length);
    box.dataset.ready = "1";
    box.dispatchEvent(new Event("map-ready"));
  });
})();
