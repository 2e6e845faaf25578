// The article page's tools, without inline script (the CSP allows our own files only). Every
// tool has a plain fallback: font links reload with ?fs=, close falls back to the channel link.
(function () {
  "use strict";
  var KEY = "portal.fontSize";
  var MIN = 1, MAX = 5;

  function store(value) {
    try { window.localStorage.setItem(KEY, String(value)); } catch (e) { /* storage blocked */ }
  }
  function stored() {
    try { return parseInt(window.localStorage.getItem(KEY), 10); } catch (e) { return NaN; }
  }
  function apply(article, size) {
    for (var i = MIN; i <= MAX; i++) { article.classList.remove("fs-" + i); }
    article.classList.add("fs-" + size);
    article.setAttribute("data-font-size", String(size));
  }

  function init() {
    var article = document.querySelector("[data-font-size]");
    if (article) {
      var fromLink = /[?&]fs=\d/.test(window.location.search);
      var saved = stored();
      if (fromLink) { store(parseInt(article.getAttribute("data-font-size"), 10)); }
      else if (saved >= MIN && saved <= MAX) { apply(article, saved); }
    }
  }

  function copy(button) {
    var input = document.querySelector(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector("[data-copy-status]");
    function say(text) { if (status) { status.textContent = text; } }
    function fallback() {
      input.focus(); input.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      say(done ? "链接已复制" : "链接已选中，请长按或按 Ctrl+C 复制");
    }
    if (!input) { return; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { say("链接已复制"); }, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var font = target.closest("[data-font]");
    if (font) {
      var article = document.querySelector("[data-font-size]");
      if (!article) { return; }
      event.preventDefault();
      var size = parseInt(article.getAttribute("data-font-size"), 10) || 3;
      size = Math.min(MAX, Math.max(MIN, size + (font.getAttribute("data-font") === "up" ? 1 : -1)));
      apply(article, size);
      store(size);
      return;
    }
    var copyButton = target.closest("[data-copy]");
    if (copyButton) { event.preventDefault(); copy(copyButton); return; }
    if (target.closest("[data-print]")) { window.print(); return; }
    var close = target.closest("[data-close]");
    if (close) {
      // Browsers close only windows a script opened; otherwise go back to the channel.
      event.preventDefault();
      window.close();
      window.setTimeout(function () { if (!window.closed) { window.location.href = close.href; } }, 150);
    }
  });

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
}());
