/* The browse page's map: a pin for every venue in the list (their WGS-84 points are data-* attributes). */
(function () {
  "use strict";
  var CS = window.CS;
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-map]");
    var items = document.querySelectorAll("[data-venue-list] [data-lat]");
    if (!box || !items.length) {
      if (box) box.hidden = true;
      return;
    }
    CS.createMap(box).then(
      function (view) {
        var points = [];
        Array.prototype.forEach.call(items, function (li) {
          var lat = +li.getAttribute("data-lat");
          var lng = +li.getAttribute("data-lng");
          view.addVenue({ lat: lat, lng: lng, name: li.getAttribute("data-name"), href: li.getAttribute("data-href"), small: true });
          points.push([lat, lng]);
        });
        view.fit(points, 14);
      },
      function (err) {
        box.textContent = err.message;
      }
    );
  });
})();
