/* 视频办: WebRTC between the member's and the agent's page, signalling through the app (polling
   GET/POST …/signals). No STUN/TURN server is configured: on one machine or one network the host
   candidates connect; across the internet a TURN server would be needed (docs/member-services.md).
   The agent calls (offer + a data channel for files); the member answers. */
(function () {
  "use strict";
  var box = document.getElementById("video-call");
  if (!box) { return; }
  var role = box.dataset.role, url = box.dataset.signals, csrf = box.dataset.csrf;
  var statusEl = document.getElementById("video-status");
  var local = document.getElementById("local-video"), remote = document.getElementById("remote-video");
  var fileInput = document.getElementById("video-file"), sendBtn = document.getElementById("video-send");
  var fileList = document.getElementById("video-files");
  var pc = null, stream = null, channel = null, last = 0, pending = [], done = false;
  var LABELS = { waiting: "排队等待中，工作人员接听后自动接通…", active: "正在接通…", completed: "已办结", cancelled: "已取消" };
  var MAX_FILE = 1024 * 1024;

  function show(text) { statusEl.textContent = text; }

  function post(kind, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ kind: kind, body: body })
    });
  }

  function listFile(prefix, name, size, href) {
    var li = document.createElement("li");
    li.textContent = prefix + "：" + name + "（" + size + " 字节）";
    if (href) {
      var a = document.createElement("a");
      a.href = href; a.download = name; a.textContent = " 保存";
      li.appendChild(a);
    }
    fileList.appendChild(li);
  }

  function useChannel(ch) {
    channel = ch;
    ch.onopen = function () { sendBtn.disabled = false; };
    ch.onmessage = function (event) {
      var msg = JSON.parse(event.data);
      var bytes = Uint8Array.from(atob(msg.data), function (c) { return c.charCodeAt(0); });
      var href = URL.createObjectURL(new Blob([bytes], { type: msg.type || "application/octet-stream" }));
      listFile("收到文件", msg.name, msg.size, href);
      box.dataset.received = msg.name;
    };
  }

  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    document.getElementById("video-file-name").textContent = file ? file.name : "未选择文件";
  });

  sendBtn.addEventListener("click", function () {
    var file = fileInput.files && fileInput.files[0];
    if (!file || !channel || channel.readyState !== "open") { return; }
    if (file.size > MAX_FILE) { listFile("文件过大，未发送", file.name, file.size); return; }
    var reader = new FileReader();
    reader.onload = function () {
      var bytes = new Uint8Array(reader.result), text = "";
      for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
      channel.send(JSON.stringify({ name: file.name, size: file.size, type: file.type, data: btoa(text) }));
      listFile("已发送", file.name, file.size);
    };
    reader.readAsArrayBuffer(file);
  });

  async function start() {
    stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    local.srcObject = stream;
    pc = new RTCPeerConnection({ iceServers: [] });
    stream.getTracks().forEach(function (track) { pc.addTrack(track, stream); });
    pc.onicecandidate = function (event) { if (event.candidate) { post("candidate", event.candidate.toJSON()); } };
    pc.ontrack = function (event) { remote.srcObject = event.streams[0]; };
    pc.ondatachannel = function (event) { useChannel(event.channel); };
    pc.onconnectionstatechange = function () {
      if (pc.connectionState === "connected") { show("已接通"); box.dataset.connected = "true"; }
      if (pc.connectionState === "failed") { show("连接失败，请刷新页面重试"); }
    };
    if (role === "agent") {
      useChannel(pc.createDataChannel("files"));
      var offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      await post("offer", { type: offer.type, sdp: offer.sdp });
    }
  }

  async function flush() {
    while (pending.length) { await pc.addIceCandidate(pending.shift()); }
  }

  async function handle(signal) {
    if (signal.kind === "offer") {
      await pc.setRemoteDescription(signal.body);
      var answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      await post("answer", { type: answer.type, sdp: answer.sdp });
      await flush();
    } else if (signal.kind === "answer") {
      await pc.setRemoteDescription(signal.body);
      await flush();
    } else if (signal.kind === "candidate") {
      if (pc.remoteDescription) { await pc.addIceCandidate(signal.body); } else { pending.push(signal.body); }
    } else if (signal.kind === "bye") {
      show("对方已挂断");
    }
  }

  async function poll() {
    try {
      var response = await fetch(url + "?after=" + last, { credentials: "same-origin" });
      if (response.ok) {
        var data = await response.json();
        if (data.status === "active" && !pc) { await start(); }
        for (var i = 0; i < data.signals.length; i++) { last = data.signals[i].id; await handle(data.signals[i]); }
        if (data.status !== "active" || !box.dataset.connected) { show(LABELS[data.status] || data.status); }
        if (data.status === "completed" || data.status === "cancelled") {
          done = true;
          if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
          if (pc) { pc.close(); }
        }
      }
    } catch (error) {
      show("网络异常，正在重试…");
    }
    if (!done) { window.setTimeout(poll, 800); }
  }

  poll();
})();
