// Small enhancements of server-rendered pages; every page works without them. Loaded at the end
// of <body> (never inline: the CSP allows only the platform's own script files).
(function () {
  "use strict";

  // Phones: the menu and a list's filter panel are <details open> (so they show without script);
  // on a narrow screen they start closed, so the first record is near the top of the page.
  var narrow = window.matchMedia("(max-width: 720px)");
  var collapsible = document.querySelectorAll("details[data-collapse-phone]");
  function fit() {
    collapsible.forEach(function (details) { details.open = !narrow.matches; });
  }
  fit();
  narrow.addEventListener("change", fit);

  // Fields that apply to one kind only (data-only-kind, e.g. 党课): shown for that kind, otherwise
  // hidden and disabled, so a value typed earlier is not sent with another kind.
  document.querySelectorAll("form").forEach(function (form) {
    var kind = form.querySelector("select[name=kind]");
    var only = form.querySelectorAll("[data-only-kind]");
    if (!kind || !only.length) { return; }
    function sync() {
      only.forEach(function (input) {
        var off = input.dataset.onlyKind !== kind.value;
        input.disabled = off;
        input.closest(".form-row").hidden = off;
      });
    }
    kind.addEventListener("change", sync);
    sync();
  });

  // 全选 / 全不选 beside a list of checkboxes marked "select-all" (the attendees of a meeting).
  document.querySelectorAll("div.select-all").forEach(function (list) {
    var bar = document.createElement("div");
    bar.className = "select-all-bar";
    [["全选", true], ["全不选", false]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn-plain";
      button.textContent = pair[0];
      button.addEventListener("click", function () {
        list.querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = pair[1]; });
      });
      bar.appendChild(button);
    });
    list.parentNode.insertBefore(bar, list);
  });
})();
