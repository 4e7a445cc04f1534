/* The labour-brand dashboard's charts (vendored ECharts; progressive enhancement: without
   JS the tables inside the chart boxes stay). Data from a json_script element (CSP: no inline
   script). */
(function () {
  "use strict";

  function readJson(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function mount(el) {
    if (!window.echarts || !el) return null;
    var old = window.echarts.getInstanceByDom(el);
    if (old) old.dispose();
    el.innerHTML = "";
    el.classList.add("chart-ready");
    el.style.height = el.dataset.chart === "villages" ? "320px" : "260px";
    var chart = window.echarts.init(el);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function pie(el, items) {
    var chart = mount(el);
    if (!chart) return;
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { bottom: 0, type: "scroll" },
      series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], data: items,
                 label: { formatter: "{b}\n{c}" } }]
    });
  }

  function bars(el, names, values, name) {
    var chart = mount(el);
    if (!chart) return;
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 12, top: 16, bottom: 48 },
      xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: name, type: "bar", data: values, label: { show: true, position: "top" } }]
    });
  }

  function draw() {
    var data = readJson("labor-dashboard-data");
    if (!data) return;
    var w = data.words;  // the series' names in the page's language (labor/selectors.py)
    var el = document.getElementById("chart-villages");
    var chart = mount(el);
    if (chart) {
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { data: [w.workers, w.trained, w.placed] },
        grid: { left: 40, right: 12, top: 36, bottom: 60 },
        xAxis: { type: "category", data: data.villages, axisLabel: { interval: 0, rotate: 35 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: w.workers, type: "bar", data: data.workers },
          { name: w.trained, type: "bar", data: data.trained },
          { name: w.placed, type: "bar", data: data.placed }
        ]
      });
    }
    pie(document.getElementById("chart-destinations"), data.destinations);
    bars(document.getElementById("chart-skills"), data.skills.map(function (s) { return s.name; }),
         data.skills.map(function (s) { return s.value; }), w.people);
    pie(document.getElementById("chart-incomes"), data.incomes);
    var monthly = document.getElementById("chart-monthly");
    var c = mount(monthly);
    if (c) {
      c.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        grid: { left: 44, right: 12, top: 16, bottom: 28 },
        xAxis: { type: "category", data: data.months },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: w.person_times, type: "line", data: data.monthly, connectNulls: false }]
      });
    }
    var year = document.querySelector("[data-autosubmit]");
    if (year && !year.dataset.bound) {
      year.dataset.bound = "1";
      year.addEventListener("change", function () { year.form.submit(); });
    }
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
