/* The service map: Leaflet (loaded on first use), an offline base layer drawn from the bundled boundaries,
   an optional tile layer from the settings, and markers converted to the tiles' datum.

   Every coordinate from the API is WGS-84. When the tiles are GCJ-02 (Amap, Tencent) each point is shifted
   with CS.crs.wgs84ToGcj02 — a port of cityservices.kit.geo.wgs84_to_gcj02 (tests compare the two); the
   boundaries are converted by the server (?crs=gcj02). */
(function () {
  "use strict";
  var CS = (window.CS = window.CS || {});

  /* ----- WGS-84 → GCJ-02 (the published forward transform; China's extent as in kit.geo) ----- */
  var A = 6378245.0;
  var EE = 0.00669342162296594323;

  function inChina(lat, lng) {
    return lat >= 3.8 && lat <= 53.6 && lng >= 73.4 && lng <= 135.1;
  }
  function transformLat(x, y) {
    var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
    r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
    r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
    return r;
  }
  function transformLng(x, y) {
    var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
    r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
    r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
    return r;
  }
  CS.crs = {
    wgs84ToGcj02: function (lat, lng) {
      if (!inChina(lat, lng)) return [lat, lng];
      var dlat = transformLat(lng - 105.0, lat - 35.0);
      var dlng = transformLng(lng - 105.0, lat - 35.0);
      var radlat = (lat / 180.0) * Math.PI;
      var magic = 1 - EE * Math.sin(radlat) * Math.sin(radlat);
      var sqrtmagic = Math.sqrt(magic);
      dlat = (dlat * 180.0) / (((A * (1 - EE)) / (magic * sqrtmagic)) * Math.PI);
      dlng = (dlng * 180.0) / ((A / sqrtmagic) * Math.cos(radlat) * Math.PI);
      return [lat + dlat, lng + dlng];
    },
  };

  /* ----- loading Leaflet (and its marker-clustering plug-in) only when a map is shown ----- */
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }
  function loadCss(href) {
    if (!href) return;
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = href;
    document.head.appendChild(css);
  }

  var leafletPromise = null;
  function loadLeaflet(box) {
    if (leafletPromise) return leafletPromise;
    if (window.L && (window.L.markerClusterGroup || !box.getAttribute("data-cluster-js"))) return Promise.resolve(window.L);
    loadCss(box.getAttribute("data-leaflet-css"));
    loadCss(box.getAttribute("data-cluster-css"));
    var core = window.L ? Promise.resolve() : loadScript(box.getAttribute("data-leaflet-js"));
    leafletPromise = core.then(
      function () {
        var cluster = box.getAttribute("data-cluster-js");
        /* without the plug-in the pins are simply not clustered */
        var plugin = cluster && !window.L.markerClusterGroup ? loadScript(cluster).catch(function () {}) : Promise.resolve();
        return plugin.then(function () {
          return window.L;
        });
      },
      function () {
        throw new Error("地图组件未能加载，请稍后再试。");
      }
    );
    return leafletPromise;
  }

  var boundaryCache = {};
  function loadBoundaries(url, crs) {
    var key = url + "?crs=" + crs;
    if (!boundaryCache[key]) boundaryCache[key] = CS.getJSON(key);
    return boundaryCache[key];
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  var QINGDAO = [36.07, 120.38];
  CS.maps = [];

  /* A map in the element `box` (a [data-map] div). Resolves to a MapView once Leaflet is loaded. */
  CS.createMap = function (box, options) {
    options = options || {};
    box.hidden = false;
    return loadLeaflet(box).then(function (L) {
      if (box._csView) return box._csView;
      var view = new MapView(L, box, options);
      box._csView = view;
      CS.maps.push(view);
      return view;
    });
  };

  function MapView(L, box, options) {
    this.L = L;
    this.box = box;
    this.crs = box.getAttribute("data-tile-crs") === "gcj02" ? "gcj02" : "wgs84";
    var tileUrl = box.getAttribute("data-tile-url") || "";
    box.classList.add(tileUrl ? "has-tiles" : "no-tiles");
    var center = options.center ? this.toMap(options.center[0], options.center[1]) : QINGDAO;
    this.map = L.map(box, { center: center, zoom: options.zoom || 11, zoomControl: true, minZoom: 7, maxZoom: 18 });
    this.map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    this.map.attributionControl.addAttribution("边界 © OpenStreetMap contributors");
    if (tileUrl) {
      var credit = box.getAttribute("data-tile-attribution") || "";
      L.tileLayer(tileUrl, { attribution: escapeHtml(credit), maxZoom: 18 }).addTo(this.map);
    }
    this.layers = {};
    ["pois", "route", "main", "origin"].forEach(function (name) {
      this.layers[name] = L.layerGroup().addTo(this.map);
    }, this);
    /* nearby pins would hide each other: they are grouped into a numbered circle until zoomed in */
    this.layers.venues = (
      L.markerClusterGroup
        ? L.markerClusterGroup({ maxClusterRadius: 40, showCoverageOnHover: false, spiderfyOnMaxZoom: true, disableClusteringAtZoom: 17 })
        : L.layerGroup()
    ).addTo(this.map);
    this.ready = this.drawBoundaries(box.getAttribute("data-boundaries-url"));
  }

  /* A WGS-84 point in the datum of the tiles. */
  MapView.prototype.toMap = function (lat, lng) {
    return this.crs === "gcj02" ? CS.crs.wgs84ToGcj02(lat, lng) : [lat, lng];
  };

  MapView.prototype.drawBoundaries = function (url) {
    var self = this;
    var L = this.L;
    return loadBoundaries(url, this.crs).then(
      function (collection) {
        var layer = L.geoJSON(collection, {
          interactive: false,
          style: function (feature) {
            return { className: "b b-" + feature.properties.level, weight: 1 };
          },
        });
        layer.addTo(self.map);
        layer.bringToBack();
        self.boundaries = layer;
        collection.features.forEach(function (f) {
          if (f.properties.level !== "district") return;
          var label = CS.el("span", {}, [f.properties.name]);
          var tip = L.tooltip({ permanent: true, direction: "center", className: "district-label", interactive: false });
          self.map.openTooltip(tip.setLatLng(f.properties.label).setContent(label));
        });
      },
      function () {
        /* the markers still work without the base layer */
      }
    );
  };

  MapView.prototype.clear = function (name) {
    this.layers[name].clearLayers();
  };

  /* A venue pin: `label` is shown in the pin (a rank), `name` as its title, a popup links to `href`. */
  MapView.prototype.addVenue = function (venue) {
    var L = this.L;
    if (venue.small) {
      var dot = L.circleMarker(this.toMap(venue.lat, venue.lng), { radius: 6, weight: 2, className: "dot" });
      dot.bindTooltip(CS.el("span", {}, [venue.name]));
      dot.bindPopup(CS.el("a", { href: venue.href }, [venue.name]));
      dot.addTo(this.layers.venues);
      dot.wgs84 = [venue.lat, venue.lng];
      return dot;
    }
    /* Leaflet positions the icon element with its own inline transform, so the rotated drop shape is an
       inner element: a 30 px square turned by 45° whose corner (the tip) lies 15 + 15·√2 ≈ 36 px below the
       top of the icon, on its vertical centre line — the anchor is that tip. */
    var icon = L.divIcon({
      className: "pin-icon",
      html:
        '<span class="pin' +
        (venue.open === false ? " pin-closed" : "") +
        (venue.main ? " pin-main" : "") +
        '"><span>' +
        (venue.label ? String(Number(venue.label)) : "") +
        "</span></span>",
      iconSize: [30, 37],
      iconAnchor: [15, 36],
      popupAnchor: [0, -34],
    });
    var marker = L.marker(this.toMap(venue.lat, venue.lng), { icon: icon, title: venue.name, keyboard: true });
    var popup = CS.el("div", {}, [venue.href ? CS.el("a", { href: venue.href }, [venue.name]) : venue.name]);
    if (venue.detail) popup.appendChild(CS.el("div", { className: "small" }, [venue.detail]));
    marker.bindPopup(popup);
    marker.addTo(venue.main ? this.layers.main : this.layers.venues);
    marker.wgs84 = [venue.lat, venue.lng];
    return marker;
  };

  MapView.prototype.addPoi = function (poi, category) {
    var L = this.L;
    var marker = L.circleMarker(this.toMap(poi.lat, poi.lng), { radius: 7, className: "poi poi-" + category, weight: 2 });
    marker.bindTooltip(CS.el("span", {}, [poi.name]));
    marker.addTo(this.layers.pois);
    return marker;
  };

  MapView.prototype.setOrigin = function (lat, lng, label) {
    this.clear("origin");
    var L = this.L;
    var marker = L.circleMarker(this.toMap(lat, lng), { radius: 8, className: "origin", weight: 3 });
    marker.bindTooltip(CS.el("span", {}, [label || "我的位置"]));
    marker.addTo(this.layers.origin);
    return marker;
  };

  /* A route: `coords` are GeoJSON [lng, lat] pairs in WGS-84; an estimate is drawn dashed. */
  MapView.prototype.drawRoute = function (coords, estimate) {
    this.clear("route");
    var self = this;
    var latlngs = coords.map(function (c) {
      return self.toMap(c[1], c[0]);
    });
    var line = this.L.polyline(latlngs, { className: estimate ? "route route-estimate" : "route", weight: 5 });
    line.addTo(this.layers.route);
    return line;
  };

  /* Fit the view to WGS-84 points [[lat, lng], …]. */
  MapView.prototype.fit = function (points, maxZoom) {
    var self = this;
    if (!points.length) return;
    var latlngs = points.map(function (p) {
      return self.toMap(p[0], p[1]);
    });
    if (latlngs.length === 1) this.map.setView(latlngs[0], maxZoom || 15);
    /* the top-left padding keeps the pins (36 px tall) clear of the zoom buttons in that corner */
    else
      this.map.fitBounds(this.L.latLngBounds(latlngs), {
        paddingTopLeft: [56, 84],
        paddingBottomRight: [28, 32],
        maxZoom: maxZoom || 16,
      });
  };

  /* Outline one division (a street or town) of the base layer and name it; resolves to its bounds or null. */
  MapView.prototype.highlightDivision = function (code) {
    var self = this;
    return this.ready.then(function () {
      if (!self.boundaries || !code) return null;
      var found = null;
      self.boundaries.eachLayer(function (layer) {
        if (layer.feature && layer.feature.properties.code === code) found = layer;
      });
      if (!found) return null;
      var path = found.getElement && found.getElement();
      if (path) path.classList.add("b-here");
      found.bringToFront();
      var name = found.feature.properties.name;
      var tip = self.L.tooltip({ permanent: true, direction: "center", className: "division-label", interactive: false });
      var bounds = found.getBounds();
      self.map.openTooltip(tip.setLatLng(bounds.getCenter()).setContent(CS.el("span", {}, [name])));
      return bounds;
    });
  };
  /* ----- where the citizen is: the browser's position, or a typed place / district (/api/v1/locate) ----- */
  var GEO_ERRORS = {
    1: "您没有允许获取位置。",
    2: "暂时无法确定您的位置。",
    3: "获取位置超时。",
  };

  CS.place = {
    fromBrowser: function () {
      return new Promise(function (resolve, reject) {
        if (!navigator.geolocation) {
          reject(new Error("这个浏览器不支持定位。"));
          return;
        }
        navigator.geolocation.getCurrentPosition(
          function (pos) {
            resolve({ lat: pos.coords.latitude, lng: pos.coords.longitude, label: "我的位置", source: "browser" });
          },
          function (err) {
            reject(new Error(GEO_ERRORS[err.code] || "无法获取位置。"));
          },
          { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 }
        );
      });
    },

    fromText: function (text, district) {
      var url = "/api/v1/locate?q=" + encodeURIComponent(text || "");
      if (district) url += "&district=" + encodeURIComponent(district);
      return CS.getJSON(url).then(function (body) {
        return {
          lat: body.lat,
          lng: body.lng,
          label: body.label,
          source: "typed",
          district: body.district_code,
          kind: body.kind,
          candidates: (body.candidates || []).map(function (c) {
            return { lat: c.lat, lng: c.lng, label: c.label, name: c.name, kind: c.kind, district: c.district_code, within: c.within };
          }),
          name: body.name,
        };
      });
    },

    /* Wire a section: its go button asks the browser; on refusal the fallback form opens; either calls onPlace. */
    bind: function (section, goButton, status, onPlace) {
      var details = section.querySelector("[data-fallback]");
      var form = section.querySelector("[data-fallback-form]");
      function fallback(reason) {
        status.textContent = reason + "请在下面输入地址、街道或地标，或选择所在区(市)。";
        if (details) {
          details.open = true;
          var input = details.querySelector("input[name=q]");
          if (input) input.focus();
        }
      }
      goButton.addEventListener("click", function () {
        var preset = goButton.getAttribute("data-origin");
        if (preset) {
          var parts = preset.split(",");
          onPlace({ lat: +parts[0], lng: +parts[1], label: "刚才的位置", source: "preset" });
          return;
        }
        status.textContent = "正在获取您的位置…";
        CS.place.fromBrowser().then(onPlace, function (err) {
          fallback(err.message);
        });
      });
      if (form) {
        form.addEventListener("submit", function (e) {
          e.preventDefault();
          var text = form.elements.q.value.trim();
          var district = form.elements.district.value;
          if (!text && !district) {
            status.textContent = "请输入地址或选择区(市)。";
            form.elements.q.focus();
            return;
          }
          status.textContent = "正在查找这个位置…";
          CS.place.fromText(text, district).then(onPlace, function (err) {
            status.textContent = err.message;
          });
        });
      }
    },
  };
})();
