/* "Near me" on an item or bundle page: the venues that handle it, ranked by travel time, in a list and on the
   map, from the browser's position or a typed place (GET /api/v1/nearest, /api/v1/locate). */
(function () {
  "use strict";
  var CS = window.CS;
  var LIMIT = 8;

  function stateText(hit) {
    var st = hit.state;
    var when = "到达时 (约 " + CS.clock(hit.arrival) + ")";
    if (st.open) return [when + "开放", st.closes_at ? "，" + CS.clock(st.closes_at) + " 休息/下班" : ""];
    var next = st.next_opening ? "，下次开放：" + CS.moment(st.next_opening) : st.next_opening_unknown ? "，" + st.next_opening_unknown : "";
    return [when + "未开放", next];
  }

  function venueHref(hit, place, section) {
    var href = "/venues/" + encodeURIComponent(hit.venue.id) + "?from=" + place.lat.toFixed(6) + "," + place.lng.toFixed(6);
    if (section.getAttribute("data-target-kind") === "item") href += "&item=" + encodeURIComponent(section.getAttribute("data-target-code"));
    return href;
  }

  function otherModes(travel) {
    if (!travel.alternatives || !travel.alternatives.length) return null;
    return CS.el("p", { className: "small muted hit-alternatives" }, [
      "也可" +
        travel.alternatives
          .map(function (a) {
            return a.label + "约 " + CS.duration(a.duration_s);
          })
          .join("，"),
    ]);
  }

  function renderHit(hit, place, section) {
    var v = hit.venue;
    var state = stateText(hit);
    var li = CS.el("li", { className: "venue-hit" + (hit.open_on_arrival ? " is-open" : " is-closed") }, [
      CS.el("span", { className: "rank", "aria-hidden": "true" }, [String(hit.rank)]),
      CS.el("div", { className: "hit-body" }, [
        CS.el("a", { className: "hit-name", href: venueHref(hit, place, section) }, [v.name]),
        CS.demoLabel(v, "name"),
        CS.el("p", { className: "hit-travel" }, [
          (hit.travel.chosen_by === "distance" ? "建议" : "") +
            hit.travel.label +
            "约 " +
            CS.duration(hit.travel.duration_s) +
            " · 直线 " +
            CS.distance(hit.distance_m),
        ]),
        hit.travel.sensible ? null : CS.el("p", { className: "small warn" }, ["步行时间太长，建议换乘公交/地铁或驾车。"]),
        otherModes(hit.travel),
        CS.el("p", { className: "hit-state" }, [CS.el("strong", {}, [state[0]]), state[1], CS.demoLabel(v, "hours")]),
        CS.el("p", { className: "hit-addr" }, [v.address, CS.demoLabel(v, "address")]),
        hit.missing_items && hit.missing_items.length
          ? CS.el("p", { className: "small" }, [
              "这里办不了：" +
                hit.missing_items
                  .map(function (i) {
                    return i.name;
                  })
                  .join("、"),
            ])
          : null,
      ]),
    ]);
    return li;
  }

  function showOnMap(section, body, place, hits) {
    var box = section.querySelector("[data-map]");
    if (!box) return;
    CS.createMap(box).then(
      function (view) {
        view.map.invalidateSize();
        view.clear("venues");
        var points = [[place.lat, place.lng]];
        view.setOrigin(place.lat, place.lng, place.label);
        hits.forEach(function (hit) {
          view.addVenue({
            lat: hit.venue.lat,
            lng: hit.venue.lng,
            name: hit.venue.name,
            label: hit.rank,
            open: hit.open_on_arrival,
            href: venueHref(hit, place, section),
            detail: CS.duration(hit.travel.duration_s) + " · " + stateText(hit)[0],
          });
          points.push([hit.venue.lat, hit.venue.lng]);
        });
        view.fit(points);
      },
      function (err) {
        box.textContent = err.message;
      }
    );
  }

  function search(section, place) {
    var status = section.querySelector("[data-status]");
    var list = section.querySelector("[data-results]");
    var note = section.querySelector("[data-travel-note]");
    var mode = section.querySelector("[data-mode]").value;
    var kind = section.getAttribute("data-target-kind");
    var code = section.getAttribute("data-target-code");
    var url =
      "/api/v1/nearest?lat=" + place.lat + "&lng=" + place.lng + "&" + kind + "=" + encodeURIComponent(code) + "&mode=" + mode + "&limit=" + LIMIT;
    status.textContent = "正在查找" + place.label + "附近的场所…";
    try {
      sessionStorage.setItem("cs-origin", JSON.stringify(place));
    } catch (e) {
      /* private mode: the venue page will ask again */
    }
    CS.getJSON(url).then(
      function (body) {
        list.textContent = "";
        var hits = body.results || [];
        hits.forEach(function (hit) {
          list.appendChild(renderHit(hit, place, section));
        });
        note.textContent = hits.length ? hits[0].travel.note : "";
        status.textContent = hits.length
          ? place.label + "：找到 " + hits.length + " 个可办理的场所，由近到远排列。"
          : "附近没有能办理的场所。" + (body.note || "");
        section.setAttribute("data-state", "done");
        showOnMap(section, body, place, hits);
      },
      function (err) {
        status.textContent = "查找失败：" + err.message;
      }
    );
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-nearme]"), function (section) {
      var status = section.querySelector("[data-status]");
      var last = null;
      CS.place.bind(section, section.querySelector("[data-nearme-go]"), status, function (place) {
        last = place;
        search(section, place);
      });
      section.querySelector("[data-mode]").addEventListener("change", function () {
        if (last) search(section, last);
      });
    });
  });
})();
