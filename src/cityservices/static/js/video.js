/* 视频办: WebRTC between the member's and the agent's page. Signalling goes over a WebSocket to the app
   (…/live); when it cannot connect, the page falls back to polling GET/POST …/signals every 0.8 s.
   No STUN/TURN server is configured: on one machine or one network the host candidates connect; across the
   internet a TURN server would be needed (docs/member-services.md). The agent calls (offer); the member
   answers. Files the member shows are uploaded to the session over HTTP (…/files) and kept with it; a "file"
   signal tells the agent's page to list them again. */
(function () {
  "use strict";
  var box = document.getElementById("video-call");
  if (!box) { return; }
  var role = box.dataset.role, api = box.dataset.api, csrf = box.dataset.csrf;
  var statusEl = document.getElementById("video-status");
  var local = document.getElementById("local-video"), remote = document.getElementById("remote-video");
  var fileInput = document.getElementById("video-file"), sendBtn = document.getElementById("video-send");
  var stored = document.getElementById("video-stored"), notes = document.getElementById("video-files");
  var pc = null, stream = null, last = 0, pending = [], done = false, status = "";
  var socket = null, socketOpened = false, reconnects = 0, polling = false, chain = Promise.resolve();
  var LABELS = { waiting: "排队等待中，工作人员接听后自动接通…", active: "正在接通…", completed: "已办结", cancelled: "已取消" };
  var MAX_FILE = 1024 * 1024;

  function show(text) { statusEl.textContent = text; }

  function note(text) {
    var li = document.createElement("li");
    li.textContent = text;
    notes.appendChild(li);
  }

  function post(path, body) {
    return fetch(api + path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    });
  }

  function signal(kind, body) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ kind: kind, body: body }));
      return Promise.resolve();
    }
    return post("/signals", { kind: kind, body: body });
  }

  function listFiles(files) {
    stored.textContent = "";
    if (!files.length) {
      var empty = document.createElement("li");
      empty.className = "empty"; empty.textContent = "还没有材料";
      stored.appendChild(empty);
    }
    files.forEach(function (f) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = f.url; a.setAttribute("download", ""); a.textContent = f.name;
      li.appendChild(a);
      li.appendChild(document.createTextNode("（" + (f.size / 1024).toFixed(1) + " KB）"));
      stored.appendChild(li);
    });
    box.dataset.files = String(files.length);
  }

  async function refreshFiles() {
    var response = await fetch(api + "/files", { credentials: "same-origin" });
    if (response.ok) { listFiles(await response.json()); }
  }

  if (fileInput) {
    fileInput.addEventListener("change", function () {
      var file = fileInput.files && fileInput.files[0];
      document.getElementById("video-file-name").textContent = file ? file.name : "未选择文件";
    });
    sendBtn.addEventListener("click", async function () {
      var file = fileInput.files && fileInput.files[0];
      if (!file) { return; }
      if (file.size > MAX_FILE) { note("文件超过 1 MB，未发送：" + file.name); return; }
      var form = new FormData();
      form.append("file", file, file.name);
      sendBtn.disabled = true;
      try {
        var response = await fetch(api + "/files", {
          method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf }, body: form
        });
        var data = await response.json();
        if (response.ok) {
          note("已发送：" + data.name);
          await signal("file", { id: data.id });
          await refreshFiles();
        } else {
          note("未能发送：" + (data.detail && data.detail[0] && data.detail[0].message || data.detail || "请重试"));
        }
      } catch (error) {
        note("网络异常，文件未发送");
      }
      sendBtn.disabled = status !== "active";
    });
  }

  async function start() {
    stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    local.srcObject = stream;
    pc = new RTCPeerConnection({ iceServers: [] });
    stream.getTracks().forEach(function (track) { pc.addTrack(track, stream); });
    pc.onicecandidate = function (event) { if (event.candidate) { signal("candidate", event.candidate.toJSON()); } };
    pc.ontrack = function (event) { remote.srcObject = event.streams[0]; };
    pc.onconnectionstatechange = function () {
      if (pc.connectionState === "connected") { show("已接通"); box.dataset.connected = "true"; }
      if (pc.connectionState === "failed") { show("连接失败，请刷新页面重试"); }
    };
    if (role === "agent") {
      var offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      await signal("offer", { type: offer.type, sdp: offer.sdp });
    }
  }

  async function flush() {
    while (pending.length) { await pc.addIceCandidate(pending.shift()); }
  }

  async function handle(message) {
    if (message.kind === "offer") {
      await pc.setRemoteDescription(message.body);
      var answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      await signal("answer", { type: answer.type, sdp: answer.sdp });
      await flush();
    } else if (message.kind === "answer") {
      await pc.setRemoteDescription(message.body);
      await flush();
    } else if (message.kind === "candidate") {
      if (pc.remoteDescription) { await pc.addIceCandidate(message.body); } else { pending.push(message.body); }
    } else if (message.kind === "file") {
      await refreshFiles();
    } else if (message.kind === "bye") {
      show("对方已挂断");
    }
  }

  function stop() {
    done = true;
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    if (pc) { pc.close(); }
    if (sendBtn) { sendBtn.disabled = true; }
  }

  async function onStatus(value) {
    status = value;
    box.dataset.status = value;
    if (value === "active" && !pc) { await start(); }
    if (sendBtn) { sendBtn.disabled = value !== "active"; }
    if (value !== "active" || !box.dataset.connected) { show(LABELS[value] || value); }
    if (value === "completed" || value === "cancelled") { stop(); }
  }

  async function onFrame(frame) {
    if (frame.type === "status") {
      await onStatus(frame.status);
    } else if (frame.type === "signal") {
      last = frame.id;
      await handle(frame);
    } else if (frame.type === "error") {
      note(frame.detail);
    }
  }

  async function poll() {
    try {
      var response = await fetch(api + "/signals?after=" + last, { credentials: "same-origin" });
      if (response.ok) {
        var data = await response.json();
        if (data.status !== status || (data.status === "active" && !pc)) { await onStatus(data.status); }
        for (var i = 0; i < data.signals.length; i++) { last = data.signals[i].id; await handle(data.signals[i]); }
      }
    } catch (error) {
      show("网络异常，正在重试…");
    }
    if (!done) { window.setTimeout(poll, 800); }
  }

  function startPolling() {
    if (polling || done) { return; }
    polling = true;
    box.dataset.transport = "polling";
    poll();
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    try {
      socket = new WebSocket(scheme + "//" + window.location.host + api + "/live?after=" + last);
    } catch (error) {
      startPolling();
      return;
    }
    socket.onopen = function () { socketOpened = true; reconnects = 0; box.dataset.transport = "websocket"; };
    socket.onmessage = function (event) {
      var frame = JSON.parse(event.data);
      if (frame.type === "status" && (frame.status === "completed" || frame.status === "cancelled")) { done = true; }
      chain = chain.then(function () { return onFrame(frame); }).catch(function () { show("连接异常，请刷新页面重试"); });
    };
    socket.onclose = function () {
      socket = null;
      if (done) { return; }
      if (socketOpened && reconnects < 3) {  // a dropped connection: try again, then poll
        reconnects += 1;
        socketOpened = false;
        window.setTimeout(connect, 1000 * reconnects);
      } else {
        startPolling();
      }
    };
  }

  if ("WebSocket" in window) { connect(); } else { startPolling(); }
})();
