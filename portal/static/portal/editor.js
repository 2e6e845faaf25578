// The portal editor's rich-text body: Quill 2 (served from core/static/vendor/quill/, installed
// from npm by `make install`) over the body textarea. Without script, or for a body with a table
// (which Quill would flatten), the textarea takes HTML as before. What Quill writes goes back into
// the textarea on submit and through nh3 on the server (portal.sanitize), like any other HTML.
// No inline script or style: the CSP allows our own files only.
(function () {
  "use strict";

  // [format, value, label]: a button each, in groups.
  var GROUPS = [
    [["bold", "", "加粗"], ["italic", "", "倾斜"], ["underline", "", "下划线"]],
    [["header", "2", "小标题"], ["header", "3", "三级标题"]],
    [["list", "ordered", "编号列表"], ["list", "bullet", "项目符号列表"], ["blockquote", "", "引用"]],
    [["link", "", "链接"], ["image", "", "插入本文图片"]],
    [["clean", "", "清除格式"]]
  ];
  var FORMATS = ["bold", "italic", "underline", "header", "list", "blockquote", "link", "image"];

  function toolbar() {
    var bar = document.createElement("div");
    bar.className = "rich-editor-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "正文格式");
    GROUPS.forEach(function (group) {
      var span = document.createElement("span");
      span.className = "ql-formats";
      group.forEach(function (tool) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "ql-" + tool[0];
        if (tool[1]) { button.value = tool[1]; }
        button.title = tool[2];
        button.setAttribute("aria-label", tool[2]);
        span.appendChild(button);
      });
      bar.appendChild(span);
    });
    return bar;
  }

  // The article's pictures, listed on the page as [data-picture] (portal/editor_article.html).
  function picturePanel(quill) {
    var panel = document.createElement("div");
    panel.className = "rich-editor-pictures";
    panel.hidden = true;
    var pictures = document.querySelectorAll("[data-picture]");
    if (!pictures.length) {
      var none = document.createElement("p");
      none.className = "muted small";
      none.textContent = "本文还没有图片：请先保存，再在下方“图片”处上传。";
      panel.appendChild(none);
    }
    Array.prototype.forEach.call(pictures, function (picture) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn-plain";
      var thumb = document.createElement("img");
      thumb.src = picture.getAttribute("data-thumb");
      thumb.alt = "";
      button.appendChild(thumb);
      button.appendChild(document.createTextNode(picture.getAttribute("data-alt") || "插入此图"));
      button.addEventListener("click", function () {
        var range = quill.getSelection(true);
        var index = range ? range.index : quill.getLength();
        var img = document.createElement("img");
        img.setAttribute("src", picture.getAttribute("data-picture"));
        img.setAttribute("alt", picture.getAttribute("data-alt") || "");
        quill.clipboard.dangerouslyPasteHTML(index, img.outerHTML, "user");
        quill.setSelection(index + 1, 0, "silent");
        panel.hidden = true;
      });
      panel.appendChild(button);
    });
    return panel;
  }

  function semanticHtml(quill) {
    if (quill.getLength() <= 1) { return ""; }
    // Quill 2.0.3 writes every space as &nbsp;; the article wants ordinary spaces.
    return quill.getSemanticHTML().replace(/&nbsp;/g, " ");
  }

  function start(textarea) {
    if (typeof window.Quill === "undefined" || /<table/i.test(textarea.value)) { return; }
    var host = document.createElement("div");
    host.className = "rich-editor";
    var bar = toolbar();
    var area = document.createElement("div");
    area.className = "rich-editor-area";
    host.appendChild(bar);
    host.appendChild(area);
    textarea.parentNode.insertBefore(host, textarea);
    var panel;
    var quill = new window.Quill(area, {
      theme: "snow",
      formats: FORMATS,
      placeholder: "在此输入正文……",
      modules: {toolbar: {container: bar, handlers: {image: function () { panel.hidden = !panel.hidden; }}}}
    });
    panel = picturePanel(quill);
    host.insertBefore(panel, area);
    // Parsed by Quill into its own document model (an inert parse), never assigned as markup.
    quill.setContents(quill.clipboard.convert({html: textarea.value}), "silent");
    quill.root.setAttribute("aria-label", "正文");
    quill.root.setAttribute("aria-multiline", "true");
    quill.root.setAttribute("role", "textbox");
    var tooltipInput = host.querySelector(".ql-tooltip input[type=text]");
    if (tooltipInput) { tooltipInput.setAttribute("data-link", "https://"); }
    textarea.hidden = true;
    textarea.form.addEventListener("submit", function () { textarea.value = semanticHtml(quill); });
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    if (label) { label.addEventListener("click", function () { quill.focus(); }); }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-rich-editor]"), start);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
