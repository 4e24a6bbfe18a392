/* "Near me" on an item or bundle page: the venues that handle it, ranked by travel time, in a list and on the
   map, from the browser's position or a typed place (GET /api/v1/nearest, /api/v1/locate). */
(function () {
  "use strict";
  var CS = window.CS;
  var LIMIT = 8;
  var WEEKDAYS = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
  var DAY_ZH = { today: "今天", tomorrow: "明天", day_after: "后天", mon: "周一", tue: "周二", wed: "周三", thu: "周四", fri: "周五", sat: "周六", sun: "周日" };

  /* The chosen visit time as ISO 8601 in Beijing time, or null for "now". A weekday is the next one to come
     (today if its time has not passed). */
  function visitTime(section) {
    var day = section.querySelector("[data-day]");
    if (!day || day.value === "now") return null;
    var clock = section.querySelector("[data-clock]").value || "10:00";
    var beijing = new Date(Date.now() + 8 * 3600 * 1000); /* its UTC fields read as Beijing wall time */
    var offset = { today: 0, tomorrow: 1, day_after: 2 }[day.value];
    if (offset === undefined) {
      offset = (WEEKDAYS[day.value] - beijing.getUTCDay() + 7) % 7;
      var parts = clock.split(":");
      var passed = beijing.getUTCHours() * 60 + beijing.getUTCMinutes() > +parts[0] * 60 + +parts[1];
      if (offset === 0 && passed) offset = 7;
    }
    var date = new Date(Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth(), beijing.getUTCDate() + offset));
    return { iso: date.toISOString().slice(0, 10) + "T" + clock + ":00+08:00", label: DAY_ZH[day.value] + " " + clock };
  }

  function districtFilter(section, place) {
    var only = section.querySelector("[data-only-district]");
    if (only && only.checked) return only.value;
    return place.kind === "district" ? place.district : null;
  }

  function placeChoices(section, place) {
    var box = section.querySelector("[data-place-choices]");
    if (!box || place.candidates === undefined) return; /* a chosen candidate keeps the list */
    box.textContent = "";
    if (!place.candidates || !place.candidates.length) return;
    box.appendChild(CS.el("p", { className: "small" }, ["同名的地方不止一处，您说的是哪一个？"]));
    var list = CS.el("ul", { className: "place-choices" }, []);
    [place].concat(place.candidates).forEach(function (c, i) {
      var button = CS.el("button", { type: "button", className: "chip" + (i === 0 ? " is-current" : "") }, [c.name + (c.within ? " (" + c.within + ")" : "")]);
      button.addEventListener("click", function () {
        search(section, { lat: c.lat, lng: c.lng, label: c.label, source: "typed", district: c.district, kind: c.kind });
      });
      list.appendChild(CS.el("li", {}, [button]));
    });
    box.appendChild(list);
  }

  /* The bundle plan answers as query parameters: the option picked per choice group, conditions that do or do
     not apply (unanswered ones are shown as 如适用). */
  function planParams(section) {
    var params = "";
    Array.prototype.forEach.call(section.querySelectorAll("[data-plan-pick]"), function (select) {
      if (select.value) params += "&pick=" + encodeURIComponent(select.value);
    });
    Array.prototype.forEach.call(section.querySelectorAll("[data-plan-if]"), function (select) {
      if (select.value) params += "&" + select.value + "=" + encodeURIComponent(select.getAttribute("data-item"));
    });
    return params;
  }

  function showPlan(section, target) {
    var box = section.querySelector("[data-plan-summary]");
    if (!box) return;
    box.textContent = "";
    var steps = (target && target.plan) || [];
    box.hidden = !steps.length;
    if (!steps.length) return;
    box.appendChild(CS.el("p", { className: "small" }, ["按您的情况，要去办的是："]));
    var list = CS.el("ul", {}, []);
    steps.forEach(function (step) {
      if (step.status === "not_chosen") return;
      var why = { nearest: " (离您最近的开放场所可办)", nearest_any: " (离您最近的场所可办)" }[step.chosen_by] || "";
      list.appendChild(
        CS.el("li", { className: "plan-step is-" + step.status, "data-plan-status": step.status }, [
          CS.el("span", { className: "plan-status" }, [step.status_label]),
          step.item.name + why,
        ])
      );
    });
    box.appendChild(list);
  }

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

  /* The printout of an item page lists where to go from the same start point (and in the same district, when
     near me is kept to one): the page's print section is fetched again for it (venues by travel time, each
     with its district). */
  function refreshPrintout(place, district) {
    var block = document.querySelector("[data-print-venues]");
    if (!block || !window.fetch || !window.DOMParser) return;
    var params = new URLSearchParams(location.search);
    params.set("from", place.lat.toFixed(6) + "," + place.lng.toFixed(6));
    if (district) params.set("district", district);
    else params.delete("district");
    fetch(location.pathname + "?" + params.toString(), { headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-print-venues]");
        if (fresh) block.replaceWith(fresh);
      })
      .catch(function () {
        /* the printout keeps its district order */
      });
  }

  function search(section, place) {
    var status = section.querySelector("[data-status]");
    var list = section.querySelector("[data-results]");
    var note = section.querySelector("[data-travel-note]");
    var mode = section.querySelector("[data-mode]").value;
    var kind = section.getAttribute("data-target-kind");
    var code = section.getAttribute("data-target-code");
    var when = visitTime(section);
    var district = districtFilter(section, place);
    var url =
      "/api/v1/nearest?lat=" + place.lat + "&lng=" + place.lng + "&" + kind + "=" + encodeURIComponent(code) + "&mode=" + mode + "&limit=" + LIMIT + "&open_first=true";
    if (when) url += "&time=" + encodeURIComponent(when.iso);
    if (district) url += "&district=" + encodeURIComponent(district);
    if (kind === "bundle") url += planParams(section);
    status.textContent = "正在查找" + place.label + "附近的场所…";
    placeChoices(section, place);
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
          ? place.label +
            "：找到 " +
            hits.length +
            " 个可办理的场所；" +
            (when ? "按" + when.label + "出发" : "按现在出发") +
            "，按最早哪天能办排列，同一天能办的由近到远。"
          : "附近没有能办理的场所。" + (body.note || "");
        showPlan(section, body.target);
        if (kind === "item") refreshPrintout(place, district);
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
      Array.prototype.forEach.call(section.querySelectorAll("[data-mode], [data-day], [data-clock], [data-only-district], [data-plan-pick], [data-plan-if]"), function (input) {
        input.addEventListener("change", function () {
          if (last) search(section, last);
        });
      });
    });
  });
})();
