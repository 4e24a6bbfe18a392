/* A venue's map: its pin, nearby parking / petrol / food toggles (GET /api/v1/venues/{id}/nearby) and a route
   from the citizen (GET /api/v1/route) — drawn with its steps, or as the labelled straight-line estimate. */
(function () {
  "use strict";
  var CS = window.CS;
  var POI_ZH = { parking: "停车场", petrol: "加油站", food: "餐饮" };

  function poiDetail(p) {
    var d = p.details || {};
    var parts = [];
    if (d.spaces) parts.push(d.spaces + " 个车位");
    if (d.fee) parts.push(String(d.fee));
    if (d.brand) parts.push(String(d.brand));
    if (d.cuisine) parts.push(String(d.cuisine));
    return parts.join(" · ");
  }

  function bindNearby(section, viewPromise, venueId) {
    var boxes = section.querySelectorAll("[data-nearby-toggle]");
    var list = section.querySelector("[data-nearby-list]");
    function refresh() {
      var chosen = Array.prototype.filter
        .call(boxes, function (b) {
          return b.checked;
        })
        .map(function (b) {
          return b.value;
        });
      viewPromise.then(function (view) {
        view.clear("pois");
        list.textContent = "";
        if (!chosen.length) return;
        var url = "/api/v1/venues/" + encodeURIComponent(venueId) + "/nearby?radius_m=1000&limit=40";
        chosen.forEach(function (c) {
          url += "&category=" + c;
        });
        CS.getJSON(url).then(
          function (body) {
            var points = [[body.venue.lat, body.venue.lng]];
            body.places.forEach(function (p) {
              view.addPoi(p, p.category);
              points.push([p.lat, p.lng]);
              list.appendChild(
                CS.el("li", { className: "poi-item poi-" + p.category }, [
                  CS.el("span", { className: "tag" }, [POI_ZH[p.category] || p.category]),
                  " " + p.name + " · " + CS.distance(p.distance_m),
                  poiDetail(p) ? " · " + poiDetail(p) : "",
                  CS.demoLabel(p, "name"),
                ])
              );
            });
            if (!body.places.length) list.appendChild(CS.el("li", {}, ["1 公里内没有找到。"]));
            view.fit(points);
          },
          function (err) {
            list.appendChild(CS.el("li", {}, ["加载失败：" + err.message]));
          }
        );
      });
    }
    Array.prototype.forEach.call(boxes, function (b) {
      b.addEventListener("change", refresh);
    });
  }

  function renderRoute(route, container, steps, place) {
    container.textContent = "";
    steps.textContent = "";
    var summary = CS.el("p", { className: "route-summary" }, [
      CS.el("strong", {}, [(route.chosen_by === "distance" ? "建议" : "") + route.label + "约 " + CS.duration(route.duration_s)]),
      " · " + CS.distance(route.distance_m) + " · 从" + place.label + "出发",
    ]);
    container.appendChild(summary);
    if (!route.sensible) {
      container.appendChild(CS.el("p", { className: "warn" }, ["步行时间太长，不建议步行前往，请换乘公交/地铁或驾车。"]));
    }
    if (route.alternatives && route.alternatives.length) {
      container.appendChild(
        CS.el("p", { className: "small muted route-alternatives" }, [
          "也可" +
            route.alternatives
              .map(function (a) {
                return a.label + "约 " + CS.duration(a.duration_s) + " (估算)";
              })
              .join("，"),
        ])
      );
    }
    if (route.estimate) {
      container.appendChild(
        CS.el("p", { className: "estimate-label", "data-estimate": "" }, [
          CS.el("strong", {}, ["直线估算"]),
          "：" + (route.note || "没有道路数据，按直线距离估算，并非实际路线。"),
        ])
      );
    } else if (route.note) {
      container.appendChild(CS.el("p", { className: "small" }, [route.note]));
    }
    route.steps.forEach(function (s) {
      steps.appendChild(CS.el("li", {}, [s.instruction]));
    });
  }

  function bindRoute(section, viewPromise, venue) {
    var box = section.querySelector("[data-route]");
    var button = box.querySelector("[data-route-go]");
    var status = box.querySelector("[data-status]");
    var mode = box.querySelector("[data-mode]");
    var summary = box.querySelector("[data-route-summary]");
    var steps = box.querySelector("[data-route-steps]");
    var last = null;
    if (section.getAttribute("data-origin")) button.setAttribute("data-origin", section.getAttribute("data-origin"));
    function plan(place) {
      last = place;
      status.textContent = "正在规划路线…";
      var url = "/api/v1/route?from_lat=" + place.lat + "&from_lng=" + place.lng + "&to=" + encodeURIComponent(venue.id) + "&mode=" + mode.value;
      CS.getJSON(url).then(
        function (route) {
          renderRoute(route, summary, steps, place);
          status.textContent = "路线已显示在地图上" + (route.estimate ? " (直线估算)" : "") + "。";
          viewPromise.then(function (view) {
            var coords = route.geometry ? route.geometry.coordinates : [[place.lng, place.lat], [venue.lng, venue.lat]];
            view.setOrigin(place.lat, place.lng, place.label);
            view.drawRoute(coords, route.estimate);
            view.fit(
              coords.map(function (c) {
                return [c[1], c[0]];
              })
            );
          });
          box.setAttribute("data-state", "done");
        },
        function (err) {
          status.textContent = "路线规划失败：" + err.message;
        }
      );
    }
    CS.place.bind(box, button, status, plan);
    mode.addEventListener("change", function () {
      if (last) plan(last);
    });
  }

  /* The street (or town) the venue lies in, outlined and named, and the other service venues of the district
     as small dots (grouped when close), so the citizen sees where the place is. */
  function showSurroundings(view, section, venue) {
    var division = section.getAttribute("data-division");
    var area = section.getAttribute("data-area");
    view.highlightDivision(division).then(function (bounds) {
      if (!bounds) return;
      /* show the whole street around the venue unless it is very large */
      var zoom = view.map.getBoundsZoom(bounds.pad(0.05));
      view.map.setView(view.toMap(venue.lat, venue.lng), Math.max(13, Math.min(16, zoom)));
    });
    if (!area) return;
    CS.getJSON("/api/v1/venues.geojson?district=" + encodeURIComponent(area)).then(function (collection) {
      collection.features.forEach(function (f) {
        if (String(f.id) === String(venue.id) || !f.geometry) return;
        var c = f.geometry.coordinates;
        view.addVenue({ lat: c[1], lng: c[0], name: f.properties.name, href: "/venues/" + encodeURIComponent(f.id), small: true });
      });
    }, function () {
      /* the map still shows the venue itself */
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.querySelector("[data-venue-map]");
    if (!section) return;
    var venue = {
      id: section.getAttribute("data-venue"),
      lat: +section.getAttribute("data-lat"),
      lng: +section.getAttribute("data-lng"),
      name: section.getAttribute("data-name"),
    };
    var viewPromise = CS.createMap(section.querySelector("[data-map]"), { center: [venue.lat, venue.lng], zoom: 15 }).then(
      function (view) {
        view.addVenue({ lat: venue.lat, lng: venue.lng, name: venue.name, label: "", main: true });
        showSurroundings(view, section, venue);
        return view;
      }
    );
    viewPromise.catch(function (err) {
      section.querySelector("[data-map]").textContent = err.message;
    });
    bindNearby(section, viewPromise, venue.id);
    bindRoute(section, viewPromise, venue);
  });
})();
