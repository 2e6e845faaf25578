/* The dashboards' charts (Apache ECharts, served from /static/vendor/echarts/), on canvas with
   tooltips drawn in the canvas (renderMode richText): the SVG renderer and the HTML tooltip write
   style attributes, which the CSP (style-src 'self') refuses. Each chart is drawn
   from the table beside it, so the page holds its figures once and works without JavaScript.
   Clicking a bar opens the child org's dashboard where there is one, else the records it counts. */
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var RED = "#c8161d";
  var PALETTE = [RED, "#e6a23c", "#409eff", "#67c23a", "#909399", "#8e44ad", "#16a085", "#d35400",
                 "#2c3e50", "#f39c12", "#1abc9c", "#7f8c8d", "#34495e"];

  function rowsOf(card) {
    return Array.prototype.map.call(card.querySelectorAll(".dash-table tbody tr"), function (tr) {
      return {name: tr.dataset.label, value: Number(tr.dataset.value), url: tr.dataset.url,
              drill: tr.dataset.drill};
    });
  }

  function optionFor(kind, rows) {
    var base = {color: PALETTE, animation: false, tooltip: {trigger: "item", renderMode: "richText"}};
    if (kind === "pie") {
      base.series = [{type: "pie", radius: ["35%", "70%"], data: rows,
                      label: {formatter: "{b} {c}", overflow: "none"}}];
    } else if (kind === "funnel") {
      base.series = [{type: "funnel", sort: "none", minSize: "10%", data: rows, label: {formatter: "{b}：{c}"}}];
    } else {
      base.grid = {left: 8, right: 24, top: 8, bottom: 8, containLabel: true};
      base.xAxis = {type: "value", minInterval: 1};
      base.yAxis = {type: "category", inverse: true, data: rows.map(function (r) { return r.name; })};
      base.series = [{type: "bar", data: rows.map(function (r) { return r.value; }), itemStyle: {color: RED},
                      label: {show: true, position: "right"}}];
    }
    return base;
  }

  function heatOption(table) {
    var months = Array.prototype.map.call(table.querySelectorAll("thead th[data-month]"), function (th) {
      return th.dataset.month;
    });
    var orgs = [], data = [], urls = {};
    table.querySelectorAll("tbody tr").forEach(function (tr, y) {
      orgs.push(tr.dataset.org);
      tr.querySelectorAll("td[data-rate]").forEach(function (td, x) {
        urls[x + "," + y] = td.querySelector("a").getAttribute("href");
        data.push([x, y, td.dataset.rate === "" ? "-" : Number(td.dataset.rate)]);
      });
    });
    return {option: {animation: false, tooltip: {position: "top", renderMode: "richText"},
                     grid: {left: 8, right: 8, top: 8, bottom: 48, containLabel: true},
                     xAxis: {type: "category", data: months}, yAxis: {type: "category", data: orgs, inverse: true},
                     visualMap: {min: 0, max: 100, calculable: false, orient: "horizontal", left: "center",
                                 bottom: 0, text: ["100%", "0%"], inRange: {color: [RED, "#f5d76e", "#67c23a"]}},
                     series: [{type: "heatmap", data: data, label: {show: true}}]},
            urls: urls, rows: orgs.length};
  }

  function draw(el) {
    var card = el.closest(".dash-card");
    var chart;
    if (el.dataset.kind === "heatmap") {
      var heat = heatOption(card.querySelector("table"));
      el.style.height = Math.max(320, 36 * heat.rows + 90) + "px";
      chart = echarts.init(el, null, {renderer: "canvas"});
      chart.setOption(heat.option);
      chart.on("click", function (p) { var u = heat.urls[p.data[0] + "," + p.data[1]]; if (u) { location.href = u; } });
    } else {
      var rows = rowsOf(card);
      if (el.dataset.kind === "bar") { el.style.height = Math.max(220, 30 * rows.length + 40) + "px"; }
      chart = echarts.init(el, null, {renderer: "canvas"});
      chart.setOption(optionFor(el.dataset.kind, rows));
      chart.on("click", function (p) {
        var row = rows[p.dataIndex];
        var target = row && (row.drill || row.url);
        if (target) { location.href = target; }
      });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.querySelectorAll(".dash-chart[data-chart]").forEach(draw);
})();
