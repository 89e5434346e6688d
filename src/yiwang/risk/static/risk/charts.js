// The class distribution (pie) and the monthly trend (stacked bars) of the risk home page, drawn with the vendored
// ECharts from the data the page embeds (json_script). The same figures are in the page's tables.
(function () {
  "use strict";
  var source = document.getElementById("yw-risk-chart");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = ["#2fb344", "#206bc4", "#f59f00", "#d63939"];
  // heights come from data-height: the content security policy forbids inline style attributes
  document.querySelectorAll("[data-height]").forEach(function (el) { el.style.height = el.dataset.height + "px"; });
  var pie = document.getElementById("yw-distribution");
  if (pie) {
    echarts.init(pie, null, { renderer: "svg" }).setOption({
      animation: false,
      color: colours,
      tooltip: {},
      series: [{ type: "pie", radius: ["40%", "70%"], label: { formatter: "{b} {c}" }, data: data.distribution }]
    });
  }
  var trend = document.getElementById("yw-trend");
  if (trend && data.trend.length) {
    var months = data.trend.map(function (r) { return r.month; });
    echarts.init(trend, null, { renderer: "svg" }).setOption({
      animation: false,
      color: colours,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 8, top: 28, bottom: 24 },
      xAxis: { type: "category", data: months },
      yAxis: { type: "value", name: data.labels.firms },
      series: ["A", "B", "C", "D"].map(function (c) {
        return { name: c, type: "bar", stack: "all", data: data.trend.map(function (r) { return r[c]; }) };
      })
    });
  }
})();
