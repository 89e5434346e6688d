// 一图一表: the schematic district map (tiles, never a geographic map) and the three-colour totals, drawn with the
// vendored ECharts from the data the page embeds (json_script). A tile's click drills down to its items.
(function () {
  "use strict";
  var source = document.getElementById("yw-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var map = document.getElementById("yw-map");
  if (map) {
    var chart = echarts.init(map, null, { renderer: "svg" });
    var tiles = data.tiles.map(function (t) { return { value: [t.x, t.y, t.red_share], name: t.name, code: t.code, t: t }; });
    var rows = Math.max(1, Math.ceil(data.tiles.length / 4));
    chart.setOption({
      animation: false,
      tooltip: { formatter: function (p) { var t = p.data.t; return t.name + "<br>" + data.labels.green + " " + t.green + " · " + data.labels.yellow + " " + t.yellow + " · " + data.labels.red + " " + t.red; } },
      grid: { left: 8, right: 8, top: 8, bottom: 48 },
      xAxis: { type: "category", data: [0, 1, 2, 3], show: false },
      yAxis: { type: "category", data: Array.from({ length: rows }, function (_, i) { return i; }), inverse: true, show: false },
      visualMap: { min: 0, max: 100, orient: "horizontal", left: "center", bottom: 0, text: [data.labels.share, ""], inRange: { color: ["#2fb344", "#f59f00", "#d63939"] } },
      series: [{ type: "heatmap", data: tiles, label: { show: true, formatter: function (p) { return p.data.name + "\n" + p.data.value[2] + "%"; } }, itemStyle: { borderColor: "#fff", borderWidth: 3 } }]
    });
    chart.on("click", function (p) { if (p.data && p.data.code) { window.location.search = "?division=" + encodeURIComponent(p.data.code); } });
  }
  var totals = document.getElementById("yw-totals");
  if (totals) {
    var pie = echarts.init(totals, null, { renderer: "svg" });
    pie.setOption({
      animation: false,
      series: [{ type: "pie", radius: ["40%", "70%"], label: { formatter: "{b} {c}" }, data: [
        { name: data.labels.green, value: data.totals.green, itemStyle: { color: "#2fb344" } },
        { name: data.labels.yellow, value: data.totals.yellow, itemStyle: { color: "#f59f00" } },
        { name: data.labels.red, value: data.totals.red, itemStyle: { color: "#d63939" } }
      ] }]
    });
  }
})();
