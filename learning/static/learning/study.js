// The study page's heartbeats (learning.services judges them). A heartbeat every `interval`
// seconds reports the seconds this page was visible, focused and (for media) playing since the
// last one; nothing is counted while the tab is hidden or the window has lost focus.
(function () {
  "use strict";
  var root = document.getElementById("study");
  if (!root) { return; }
  var media = root.querySelector("video, audio");
  var csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  var status = document.getElementById("study-status");
  var token = null, seq = 0, counted = 0, credited = 0, last = performance.now();
  var interval = Number(root.dataset.interval) * 1000;

  function studying() {
    if (document.visibilityState !== "visible" || !document.hasFocus()) { return false; }
    return !media || (!media.paused && !media.ended);
  }
  function tick() {
    var now = performance.now();
    if (studying()) { counted += (now - last) / 1000; }
    last = now;
  }
  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}, body: JSON.stringify(body)})
      .then(function (r) { return r.json(); });
  }
  function beat() {
    tick();
    if (!token || counted <= 0) { return; }
    seq += 1;
    var body = {token: token, seq: seq, elapsed: Math.round(counted * 10) / 10,
      visible: document.visibilityState === "visible", focused: document.hasFocus(),
      playing: media ? !media.paused : true, rate: media ? media.playbackRate : 1,
      position: media ? media.currentTime : 0};
    counted = 0;
    post("/learning/beat", body).then(function (answer) {
      credited += answer.credited || 0;
      root.dataset.credited = String(credited);
      if (status) {
        status.textContent = "本次已计入 " + Math.floor(credited / 60) + " 分 " + (credited % 60) + " 秒" +
          (answer.message ? "（" + answer.message + "）" : "");
      }
    });
  }
  post(root.dataset.session, {}).then(function (session) {
    token = session.token;
    root.dataset.ready = "1";
    if (media && session.position > 0 && session.position < media.duration - 1) { media.currentTime = session.position; }
    last = performance.now();
  });
  // Time is measured only while studying: a change of visibility, focus or playback closes the span.
  ["visibilitychange", "blur", "focus"].forEach(function (name) {
    (name === "visibilitychange" ? document : window).addEventListener(name, tick);
  });
  if (media) { ["play", "pause", "ratechange", "seeking"].forEach(function (n) { media.addEventListener(n, tick); }); }
  setInterval(beat, interval);
})();
