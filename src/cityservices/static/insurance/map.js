/* The insurance map page: the places of the server-rendered list as pins on the service map (js/map.js),
   "nearest to me" (the browser's position, then the page reloads sorted by distance) and a route per place
   from /api/v1/insurance/map/route, drawn on the map (an estimate dashed). */
(function () {
  "use strict";
  var CS = window.CS;

  function minutes(seconds) {
    var m = Math.max(1, Math.round(seconds / 60));
    return m < 60 ? m + " 分钟" : Math.floor(m / 60) + " 小时 " + (m % 60) + " 分钟";
  }

  function start() {
    var box = document.getElementById("ins-map");
    var list = document.getElementById("places");
    var status = document.getElementById("map-status");
    if (!box || !list) return;
    var items = Array.prototype.slice.call(list.querySelectorAll("li[data-id]"));
    var origin = null;
    var params = new URLSearchParams(window.location.search);
    if (params.get("lat") && params.get("lng")) origin = [+params.get("lat"), +params.get("lng")];
    var viewPromise = CS.createMap(box, { center: [+box.getAttribute("data-lat"), +box.getAttribute("data-lng")] });
    viewPromise.then(
      function (view) {
        var points = [];
        items.forEach(function (li, i) {
          var lat = +li.getAttribute("data-lat");
          var lng = +li.getAttribute("data-lng");
          view.addVenue({ lat: lat, lng: lng, name: li.getAttribute("data-name"), label: i + 1,
            open: li.getAttribute("data-open") === "yes" });
          points.push([lat, lng]);
        });
        if (origin) {
          view.setOrigin(origin[0], origin[1], "我的位置");
          points = points.slice(0, 5).concat([origin]);
        }
        view.fit(points);
      },
      function (err) {
        status.textContent = err.message;
      }
    );

    document.getElementById("near-me").addEventListener("click", function () {
      status.textContent = "正在获取您的位置…";
      CS.place.fromBrowser().then(
        function (place) {
          params.set("lat", place.lat.toFixed(6));
          params.set("lng", place.lng.toFixed(6));
          window.location.search = params.toString();
        },
        function (err) {
          status.textContent = err.message + "可以用上面的区(市)筛选。";
        }
      );
    });

    items.forEach(function (li) {
      var button = li.querySelector(".route-walk");
      var out = li.querySelector(".route-result");
      button.addEventListener("click", function () {
        if (!origin) {
          out.hidden = false;
          out.textContent = "请先点“离我最近”提供您的位置。";
          return;
        }
        var url = "/api/v1/insurance/map/route?mode=walk&from_lat=" + origin[0] + "&from_lng=" + origin[1] +
          "&to=" + encodeURIComponent(li.getAttribute("data-id"));
        CS.getJSON(url).then(
          function (route) {
            out.hidden = false;
            out.textContent = "步行约 " + (route.distance_m / 1000).toFixed(1) + " 公里，约 " + minutes(route.duration_s) +
              (route.note ? "。" + route.note : "");
            viewPromise.then(function (view) {
              var coords = route.coordinates
                ? route.coordinates.map(function (p) { return [p[1], p[0]]; })
                : [[origin[1], origin[0]], [route.place.lng, route.place.lat]];
              view.drawRoute(coords, route.estimate);
              view.fit([origin, [route.place.lat, route.place.lng]]);
            });
          },
          function (err) {
            out.hidden = false;
            out.textContent = err.message;
          }
        );
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
