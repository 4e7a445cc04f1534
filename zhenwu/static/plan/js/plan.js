/* Charts of the plan pages (progressive enhancement: without JS the tables inside the chart
   containers stay). Data comes from json_script elements; no inline script (CSP). */
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
    return window.echarts.init(el, el.dataset.theme || null);
  }

  function targetChart() {
    var el = document.getElementById("target-chart");
    var data = readJson("target-chart-data");
    if (!el || !data) return;
    var chart = mount(el);
    if (!chart) return;
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: ["应完成", "实际"] },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: data.unit },
      series: [
        { name: "应完成", type: "line", data: data.expected, lineStyle: { type: "dashed" }, symbol: "none",
          markLine: { silent: true, symbol: "none", data: [{ yAxis: data.target, name: "目标" }] } },
        { name: "实际", type: "line", data: data.actual, connectNulls: false }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function bigscreenCharts() {
    var el = document.getElementById("chart-themes");
    var data = readJson("bigscreen-data");
    if (!el || !data) return;
    var chart = mount(el);
    if (!chart) return;
    // The product's one palette (core/lights.py, as CSS variables in zhenwu.css): the bars are
    // painted with the same colours as the lights, and the legend below the chart (HTML) says so.
    var css = getComputedStyle(document.documentElement);
    function paint(name) { return (css.getPropertyValue("--zw-light-" + name) || "").trim() || "#bdbdbd"; }
    var colours = { green: paint("green"), yellow: paint("yellow"), red: paint("red"), done: paint("done"), none: paint("none") };
    var timeColour = (css.getPropertyValue("--zw-time-progress") || "").trim() || "#5c8ad6";
    chart.setOption({
      animation: false,
      textStyle: { fontSize: 16, color: "#e8edf5" },
      legend: { show: false },
      grid: { left: 120, right: 24, top: 40, bottom: 24 },
      xAxis: { type: "value", max: 100, axisLabel: { color: "#aab8d0", formatter: "{value}%" }, splitLine: { lineStyle: { color: "#22355c" } } },
      yAxis: { type: "category", data: data.themes.map(function (t) { return t.name.split("：")[0]; }), axisLabel: { color: "#e8edf5", fontSize: 16 } },
      series: [
        { name: "完成进度", type: "bar", data: data.themes.map(function (t) { return { value: t.progress, itemStyle: { color: colours[t.status] || colours.none } }; }), label: { show: true, position: "right", color: "#fff", formatter: "{c}%" } },
        { name: "时序进度", type: "bar", data: data.themes.map(function (t) { return t.time; }), itemStyle: { color: timeColour } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function fullscreenButton() {
    var button = document.querySelector("[data-fullscreen]");
    if (!button || button.dataset.bound) return;
    button.dataset.bound = "1";
    button.addEventListener("click", function () {
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
    });
  }

  function all() { targetChart(); bigscreenCharts(); fullscreenButton(); }
  document.addEventListener("DOMContentLoaded", all);
  document.addEventListener("htmx:afterSwap", all);
})();
