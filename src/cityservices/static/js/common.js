/* Shared helpers of every page, the print button and the search suggestions (an ARIA 1.2 combobox).
   No inline scripts anywhere: pages pass data through data-* attributes (CSP script-src 'self'). */
(function () {
  "use strict";
  var CS = (window.CS = window.CS || {});

  /* A DOM element; children are strings (always text, never HTML) or elements. */
  CS.el = function (tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "className") node.className = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === "") return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  };

  CS.getJSON = function (url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      return r.json().then(
        function (body) {
          if (!r.ok) {
            var error = new Error(CS.errorText(body) || "请求失败 (" + r.status + ")");
            error.status = r.status;
            throw error;
          }
          return body;
        },
        function () {
          throw new Error("服务器返回了无法识别的内容 (" + r.status + ")");
        }
      );
    });
  };

  /* The Chinese message of an API error body ({error, detail}). */
  CS.errorText = function (body) {
    if (!body) return "";
    if (typeof body.detail === "string") return body.detail;
    if (Array.isArray(body.detail)) {
      return body.detail
        .map(function (d) {
          return d.message;
        })
        .join("；");
    }
    return "";
  };

  CS.distance = function (m) {
    return m < 1000 ? Math.round(m / 10) * 10 + " 米" : (m / 1000).toFixed(1) + " 公里";
  };

  CS.duration = function (s) {
    var min = Math.max(1, Math.round(s / 60));
    return min < 60 ? min + " 分钟" : Math.floor(min / 60) + " 小时 " + (min % 60) + " 分钟";
  };

  var WEEKDAYS = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

  /* "今天 08:30" / "明天 08:30" / "周一 12月1日 08:30" from an ISO time with its +08:00 offset (Beijing time). */
  CS.moment = function (iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || "");
    if (!m) return "";
    var day = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    var now = new Date(Date.now() + 8 * 3600 * 1000); /* Beijing wall clock, read through the UTC getters */
    var today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    var diff = Math.round((day.getTime() - today) / 86400000);
    var clock = m[4] + ":" + m[5];
    if (diff === 0) return "今天 " + clock;
    if (diff === 1) return "明天 " + clock;
    return WEEKDAYS[day.getUTCDay()] + " " + +m[2] + "月" + +m[3] + "日 " + clock;
  };

  CS.clock = function (iso) {
    var m = /T(\d{2}):(\d{2})/.exec(iso || "");
    return m ? m[1] + ":" + m[2] : "";
  };

  CS.demoLabel = function (record, field) {
    var fields = (record && record.demo_fields) || [];
    if (fields.indexOf("*") < 0 && fields.indexOf(field) < 0) return null;
    return CS.el("span", { className: "demo", title: "生成的演示数据，并非官方信息" }, ["演示数据"]);
  };

  function bindPrint() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  /* ----- search suggestions: an input with role=combobox and a listbox of options ----- */

  function Suggest(form) {
    this.form = form;
    this.input = form.querySelector("[data-suggest-url]");
    this.list = form.querySelector("[role=listbox]");
    this.status = form.querySelector("[data-suggest-status]");
    this.url = this.input.getAttribute("data-suggest-url");
    this.options = [];
    this.active = -1;
    this.timer = null;
    this.seq = 0;
    var self = this;
    this.input.addEventListener("input", function () {
      clearTimeout(self.timer);
      self.timer = setTimeout(function () {
        self.fetch();
      }, 180);
    });
    this.input.addEventListener("keydown", function (e) {
      self.key(e);
    });
    this.input.addEventListener("blur", function () {
      setTimeout(function () {
        self.close();
      }, 150);
    });
  }

  Suggest.prototype.fetch = function () {
    var text = this.input.value.trim();
    var self = this;
    if (!text) return this.close();
    var seq = ++this.seq;
    CS.getJSON(this.url + "?limit=6&q=" + encodeURIComponent(text)).then(
      function (body) {
        if (seq === self.seq) self.show(body);
      },
      function () {
        if (seq === self.seq) self.close();
      }
    );
  };

  Suggest.prototype.show = function (body) {
    var entries = [];
    if (body.bundle) entries.push({ label: body.bundle.name, kind: "一件事", href: "/bundles/" + encodeURIComponent(body.bundle.code) });
    (body.items || []).forEach(function (item) {
      entries.push({ label: item.name, kind: item.department, href: "/items/" + encodeURIComponent(item.code) + "?q=" + encodeURIComponent(body.query) });
    });
    if (body.no_match) {
      (body.suggestions || []).slice(0, 3).forEach(function (s) {
        entries.push({ label: s, kind: "试试", href: "/search?q=" + encodeURIComponent(s) });
      });
    }
    this.list.textContent = "";
    this.options = entries;
    this.active = -1;
    var id = this.list.id;
    var self = this;
    entries.forEach(function (entry, i) {
      var option = CS.el("li", { id: id + "-" + i, role: "option", "aria-selected": "false" }, [
        CS.el("span", { className: "s-name" }, [entry.label]),
        CS.el("span", { className: "s-kind" }, [entry.kind]),
      ]);
      option.addEventListener("mousedown", function (e) {
        e.preventDefault();
        self.go(i);
      });
      self.list.appendChild(option);
    });
    var open = entries.length > 0;
    this.list.hidden = !open;
    this.input.setAttribute("aria-expanded", open ? "true" : "false");
    this.input.removeAttribute("aria-activedescendant");
    this.status.textContent = open ? entries.length + " 条建议" : "";
  };

  Suggest.prototype.close = function () {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  };

  Suggest.prototype.move = function (step) {
    if (!this.options.length) return;
    if (this.list.hidden) {
      this.list.hidden = false;
      this.input.setAttribute("aria-expanded", "true");
    }
    this.active = (this.active + step + this.options.length + 1) % (this.options.length + 1);
    if (this.active === this.options.length) this.active = -1;
    var self = this;
    Array.prototype.forEach.call(this.list.children, function (li, i) {
      li.setAttribute("aria-selected", i === self.active ? "true" : "false");
    });
    if (this.active >= 0) this.input.setAttribute("aria-activedescendant", this.list.id + "-" + this.active);
    else this.input.removeAttribute("aria-activedescendant");
  };

  Suggest.prototype.go = function (i) {
    window.location.href = this.options[i].href;
  };

  Suggest.prototype.key = function (e) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      this.move(1);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      this.move(-1);
    } else if (e.key === "Enter" && this.active >= 0 && !this.list.hidden) {
      e.preventDefault();
      this.go(this.active);
    } else if (e.key === "Escape" && !this.list.hidden) {
      e.preventDefault(); // a search field's own Esc would erase the query: close the suggestions only
      this.close();
    }
  };

  document.addEventListener("DOMContentLoaded", function () {
    bindPrint();
    Array.prototype.forEach.call(document.querySelectorAll("[data-searchbox]"), function (form) {
      if (form.querySelector("[data-suggest-url]")) new Suggest(form);
    });
  });
})();
