/* The feedback form (好差评, "this is wrong"): posted as JSON to /api/v1/feedback; errors shown by field. */
(function () {
  "use strict";
  var CS = window.CS;

  function payload(form) {
    var data = { target: form.elements.target.value, reports_error: form.elements.reports_error.checked };
    ["venue_id", "item_code", "comment", "contact_phone"].forEach(function (name) {
      if (form.elements[name]) data[name] = form.elements[name].value.trim();
    });
    var rating = form.querySelector("input[name=rating]:checked");
    if (rating) data.rating = +rating.value;
    if (!data.contact_phone) delete data.contact_phone;
    return data;
  }

  function csrfHeaders(form) {
    var headers = { "Content-Type": "application/json", Accept: "application/json" };
    var token = form.elements.csrf_token;
    if (token && token.value) headers["X-CSRF-Token"] = token.value;
    return headers;
  }

  var FIELD_ZH = { rating: "满意程度", comment: "意见", contact_phone: "联系电话", item_code: "事项", venue_id: "场所" };

  function submit(form, status, button) {
    var data = payload(form);
    if (!data.rating && !data.reports_error) {
      status.textContent = "请选择满意程度，或勾选“这里的信息有误”。";
      form.querySelector("input[name=rating]").focus();
      return;
    }
    if (data.reports_error && !data.comment) {
      status.textContent = "请写明哪里有误。";
      form.elements.comment.focus();
      return;
    }
    button.disabled = true;
    status.textContent = "正在提交…";
    fetch(form.getAttribute("action"), {
      method: "POST",
      headers: csrfHeaders(form),
      credentials: "same-origin",
      body: JSON.stringify(data),
    })
      .then(function (r) {
        return r.json().then(function (body) {
          return { ok: r.ok, body: body };
        });
      })
      .then(
        function (res) {
          button.disabled = false;
          if (res.ok) {
            status.textContent = res.body.message + " (编号 " + res.body.id + ")";
            form.reset();
            form.setAttribute("data-state", "sent");
            return;
          }
          var detail = res.body && res.body.detail;
          if (Array.isArray(detail)) {
            status.textContent = detail
              .map(function (d) {
                return (FIELD_ZH[d.field] || d.field) + "：" + d.message;
              })
              .join("；");
            var first = detail[0] && form.elements[detail[0].field];
            if (first && first.focus) first.focus();
          } else {
            status.textContent = "提交失败：" + (CS.errorText(res.body) || "请稍后再试");
          }
        },
        function () {
          button.disabled = false;
          status.textContent = "提交失败：网络错误，请稍后再试。";
        }
      );
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-feedback]"), function (form) {
      var status = form.querySelector("[data-status]");
      var button = form.querySelector("button[type=submit]");
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        submit(form, status, button);
      });
    });
  });
})();
