/* The big screen: fetches its figures from the platform's own API every data-refresh seconds (same
   origin, no outside request), draws the district tiles coloured by the chosen indicator and the
   charts with Apache ECharts. A failed fetch keeps the last figures and says so. */
(function () {
  "use strict";
  var body = document.body;
  var indicator = body.dataset.indicator;
  var charts = {};
  var COLOURS = ["#3b5b8c", "#6b8e3d", "#d9a52b", "#e36b2c", "#c8161d"];
  var LOWER_IS_WORSE = {compliance: true};

  function scale(values) {
    var present = values.filter(function (v) { return v !== null && v !== undefined; });
    var min = Math.min.apply(null, present), max = Math.max.apply(null, present);
    return function (v) {
      if (v === null || v === undefined) { return "#4a5568"; }
      var t = max === min ? 0.5 : (v - min) / (max - min);
      if (LOWER_IS_WORSE[indicator]) { t = 1 - t; }
      return COLOURS[Math.min(COLOURS.length - 1, Math.floor(t * COLOURS.length))];
    };
  }

  function text(v) { return v === null || v === undefined ? "—" : indicator === "compliance" ? v + "%" : String(v); }

  function drawTiles(tiles) {
    var box = document.getElementById("tiles");
    var colour = scale(tiles.map(function (t) { return t[indicator]; }));
    box.textContent = "";
    tiles.forEach(function (t) {
      var a = document.createElement("a");
      a.className = "tile";
      a.href = t.dashboard;
      a.setAttribute("role", "listitem");
      a.dataset.org = t.org_name;
      a.style.left = (t.column * 172) + "px";
      a.style.top = (t.row * 104) + "px";
      a.style.background = colour(t[indicator]);
      var name = document.createElement("span"); name.className = "name"; name.textContent = t.org_name;
      var value = document.createElement("span"); value.className = "value"; value.textContent = text(t[indicator]);
      a.appendChild(name); a.appendChild(value);
      box.appendChild(a);
    });
    var legend = document.getElementById("legend");
    legend.innerHTML = "";
    ["低", "", "", "", "高"].forEach(function (label, i) {
      var s = document.createElement("span");
      s.style.setProperty("--c", COLOURS[LOWER_IS_WORSE[indicator] ? COLOURS.length - 1 - i : i]);
      s.textContent = label || " ";
      legend.appendChild(s);
    });
  }

  function option(chart) {
    var rows = chart.figures.map(function (f) { return {name: f.label, value: f.value}; });
    var common = {animation: false, textStyle: {color: "#e8eef8", fontSize: 20},
                  color: ["#c8161d", "#ffd36b", "#409eff", "#67c23a", "#e6a23c", "#8e44ad", "#16a085"]};
    if (chart.kind === "pie") {
      common.series = [{type: "pie", radius: ["35%", "68%"], data: rows,
                        label: {color: "#e8eef8", fontSize: 22, formatter: "{b} {c}", overflow: "none"}}];
    } else if (chart.kind === "funnel") {
      common.series = [{type: "funnel", sort: "none", data: rows, minSize: "12%", left: 8, width: "40%",
                        label: {color: "#e8eef8", fontSize: 18, formatter: "{b}：{c}", overflow: "none"}}];
    } else {
      common.grid = {left: 8, right: 60, top: 8, bottom: 8, containLabel: true};
      common.xAxis = {type: "value", axisLabel: {color: "#9fb4d6", fontSize: 16}, splitLine: {lineStyle: {color: "#24406e"}}};
      common.yAxis = {type: "category", inverse: true, data: rows.map(function (r) { return r.name; }),
                      axisLabel: {color: "#e8eef8", fontSize: 20}};
      common.series = [{type: "bar", data: rows.map(function (r) { return r.value; }), itemStyle: {color: "#c8161d"},
                        label: {show: true, position: "right", color: "#ffd36b", fontSize: 20}}];
    }
    return common;
  }

  function drawCharts(list) {
    list.forEach(function (chart) {
      var el = document.querySelector('.screen-chart[data-key="' + chart.key + '"]');
      if (!el || !window.echarts) { return; }
      charts[chart.key] = charts[chart.key] || echarts.init(el, null, {renderer: "canvas"});
      charts[chart.key].setOption(option(chart), true);
    });
  }

  function refresh() {
    fetch(body.dataset.api, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        document.getElementById("screen-members").textContent = data.members;
        document.getElementById("screen-updated").textContent = data.updated;
        drawTiles(data.tiles);
        drawCharts(data.charts);
        document.getElementById("screen-error").hidden = true;
        body.dataset.loaded = "1";
      })
      .catch(function () { document.getElementById("screen-error").hidden = false; });
  }

  refresh();
  setInterval(refresh, Number(body.dataset.refresh || 60) * 1000);
})();
