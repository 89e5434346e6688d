// A firm's graph neighbourhood (firms, masked persons, the shared address) as an ECharts force graph from the data
// the page embeds; a click on a firm opens its risk page. The neighbours are also listed in the table below.
(function () {
  "use strict";
  var source = document.getElementById("yw-graph-data");
  var box = document.getElementById("yw-graph");
  if (!source || !box || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  box.style.height = (box.dataset.height || 420) + "px"; // not an inline style attribute: the CSP forbids those
  var classColour = { A: "#2fb344", B: "#206bc4", C: "#f59f00", D: "#d63939" };
  var nodes = data.nodes.map(function (n) {
    var node = Object.assign({}, n);
    if (n.category <= 1 && classColour[n.value]) { node.itemStyle = { color: classColour[n.value] }; }
    if (n.category === 0) { node.itemStyle = Object.assign({ borderColor: "#182433", borderWidth: 3 }, node.itemStyle || {}); }
    node.label = { show: true, formatter: n.category <= 1 && n.value ? n.name + "（" + n.value + "）" : n.name };
    return node;
  });
  var chart = echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    legend: [{ data: data.categories.map(function (c) { return c.name; }), top: 0 }],
    tooltip: { formatter: function (p) { return p.dataType === "edge" ? p.data.label : p.data.name + (p.data.uscc ? "<br>" + p.data.uscc + " " + p.data.status : ""); } },
    series: [{
      type: "graph",
      layout: "force",
      roam: true,
      draggable: true,
      force: { repulsion: 220, edgeLength: 90 },
      categories: data.categories,
      data: nodes,
      links: data.links.map(function (l) { return Object.assign({ label: { show: false } }, l, { value: l.label }); }),
      edgeLabel: { show: true, formatter: function (p) { return p.data.value; }, fontSize: 10 },
      lineStyle: { color: "source", opacity: 0.7 }
    }]
  });
  chart.on("click", function (p) {
    if (p.dataType === "node" && p.data.uscc) { window.location.href = "../" + encodeURIComponent(p.data.uscc) + "/"; }
  });
})();
