// The answer sheet's countdown: the seconds left come from the server (the attempt's deadline);
// at zero the sheet is submitted. The server refuses a sheet that comes later than its grace.
(function () {
  "use strict";
  var box = document.getElementById("countdown");
  var sheet = document.getElementById("answer-sheet");
  if (!box || !sheet) { return; }
  var ends = Date.now() + parseInt(box.getAttribute("data-seconds"), 10) * 1000;
  var shown = box.querySelector("strong");
  var sent = false;
  function tick() {
    var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    shown.textContent = minutes + " 分 " + (seconds < 10 ? "0" : "") + seconds;
    if (left === 0 && !sent) { sent = true; sheet.submit(); return; }
    if (!sent) { window.setTimeout(tick, 500); }
  }
  sheet.addEventListener("submit", function () { sent = true; });
  tick();
})();
