/*
 * The book's static explorers: precomputed training runs and figures behind sliders, in plain
 * JavaScript with no library and nothing fetched, so they work in the static HTML book, in
 * JupyterLab, in Colab and in a saved page alike.
 *
 * helpers/widgets.py inlines this file into every explorer it renders. Loading it twice on a
 * page is harmless: the library is defined once (window.ResNeXtExplorer) and every explorer
 * finds its own elements inside its own root element, never by a page-wide search.
 *
 *   ResNeXtExplorer.initCurves(root)  the run explorer: sliders -> curves (SVG) + readout
 *   ResNeXtExplorer.initChoice(root)  a slider that swaps precomputed panels (SVG figures)
 */
(function () {
  "use strict";
  if (window.ResNeXtExplorer) {
    return;
  }
  var SVG = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, key)) {
        node.setAttribute(key, attrs[key]);
      }
    }
    if (parent) {
      parent.appendChild(node);
    }
    return node;
  }

  function part(root, role) {
    return root.querySelector('[data-rnx="' + role + '"]');
  }

  function parts(root, role) {
    return Array.prototype.slice.call(root.querySelectorAll('[data-rnx="' + role + '"]'));
  }

  function showMessage(root, text) {
    var box = part(root, "message");
    if (box) {
      box.textContent = text || "";
      box.style.display = text ? "" : "none";
    }
  }

  /* Round tick values: about `count` ticks covering [lo, hi]. */
  function niceTicks(lo, hi, count) {
    var span = hi - lo || 1;
    var raw = span / Math.max(count, 1);
    var mag = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
    var steps = [1, 2, 2.5, 5, 10];
    var step = mag;
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] * mag >= raw) {
        step = steps[i] * mag;
        break;
      }
    }
    var ticks = [];
    for (var t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
      ticks.push(Math.round(t / step) * step);
    }
    return { ticks: ticks, step: step };
  }

  function formatTick(value, step) {
    var digits = step >= 1 ? 0 : Math.min(4, Math.ceil(-Math.log(step) / Math.LN10 - 1e-9));
    return value.toFixed(digits);
  }

  function formatNumber(value) {
    return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  /* ---------------------------------------------------------------------------------------
   * The run explorer
   * ------------------------------------------------------------------------------------- */

  var W = 380, H = 250;
  var M = { left: 56, right: 12, top: 12, bottom: 42 };

  function buildChart(svg, metric, maxEpochs, colors) {
    while (svg.firstChild) {
      svg.removeChild(svg.firstChild);
    }
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    var pw = W - M.left - M.right, ph = H - M.top - M.bottom;
    var x0 = 1, x1 = Math.max(maxEpochs, 2);
    var yt = niceTicks(metric.ymin, metric.ymax, 5);
    var y0 = Math.min(metric.ymin, yt.ticks[0]), y1 = Math.max(metric.ymax, yt.ticks[yt.ticks.length - 1]);
    var chart = {
      sx: function (e) { return M.left + ((e - x0) / (x1 - x0)) * pw; },
      sy: function (v) { return M.top + (1 - (v - y0) / (y1 - y0 || 1)) * ph; },
    };
    var grid = el("g", { stroke: "#e3e3e3", "stroke-width": 1 }, svg);
    var labels = el("g", { "font-size": 11, fill: "#333", "font-family": "sans-serif" }, svg);
    yt.ticks.forEach(function (t) {
      if (t < y0 - 1e-9 || t > y1 + 1e-9) return;
      var y = chart.sy(t);
      el("line", { x1: M.left, x2: W - M.right, y1: y, y2: y }, grid);
      var label = el("text", { x: M.left - 6, y: y + 4, "text-anchor": "end" }, labels);
      label.textContent = formatTick(t, yt.step);
    });
    var xstep = Math.max(1, Math.ceil((x1 - x0 + 1) / 8));
    for (var e = x0; e <= x1; e += xstep) {
      var x = chart.sx(e);
      el("line", { x1: x, x2: x, y1: M.top, y2: H - M.bottom }, grid);
      var xl = el("text", { x: x, y: H - M.bottom + 16, "text-anchor": "middle" }, labels);
      xl.textContent = String(e);
    }
    el("path", {
      d: "M" + M.left + "," + M.top + "V" + (H - M.bottom) + "H" + (W - M.right),
      fill: "none", stroke: "#444", "stroke-width": 1,
    }, svg);
    var xlabel = el("text", { x: M.left + pw / 2, y: H - 6, "text-anchor": "middle", "font-size": 12 }, labels);
    xlabel.textContent = "epoch";
    var ylabel = el("text", {
      transform: "translate(14," + (M.top + ph / 2) + ") rotate(-90)",
      "text-anchor": "middle", "font-size": 12,
    }, labels);
    ylabel.textContent = metric.label;
    chart.context = [];
    var contextLayer = el("g", { fill: "none", "stroke-width": 1.5, "stroke-opacity": 0.3 }, svg);
    colors.forEach(function (color) {
      chart.context.push(el("polyline", { points: "", stroke: color, "data-rnx-curve": "context" }, contextLayer));
    });
    var main = el("g", { fill: "none", "stroke-width": 2.4, "stroke-linejoin": "round" }, svg);
    chart.train = el("polyline", { points: "", stroke: "#0072B2", "stroke-dasharray": "7 4", "data-rnx-curve": "train" }, main);
    chart.val = el("polyline", { points: "", stroke: "#0072B2", "data-rnx-curve": "validation" }, main);
    chart.missing = el("text", {
      x: M.left + pw / 2, y: M.top + ph / 2, "text-anchor": "middle", "font-size": 13,
      fill: "#b00020", "font-family": "sans-serif", display: "none",
    }, svg);
    chart.missing.textContent = "no run for this combination";
    return chart;
  }

  function points(chart, values, upto) {
    if (!values) return "";
    var out = [];
    var n = Math.min(values.length, upto);
    for (var i = 0; i < n; i++) {
      if (values[i] === null || !isFinite(values[i])) continue;
      out.push(chart.sx(i + 1).toFixed(1) + "," + chart.sy(values[i]).toFixed(1));
    }
    return out.join(" ");
  }

  function initCurves(root) {
    if (!root || root.getAttribute("data-rnx-ready")) return;
    var data = JSON.parse(part(root, "data").textContent);
    var sliders = parts(root, "slider");
    var epochSlider = part(root, "epochs");
    var svgs = parts(root, "chart");
    var readout = part(root, "readout");
    var state = { index: data.initial.slice(), epochs: data.maxEpochs };
    var lookup = {};
    data.runs.forEach(function (run, i) {
      lookup[run.idx.join(",")] = i;
    });
    var ctx = data.contextSlider;
    var ctxColors = ctx >= 0 ? data.sliders[ctx].colors : [];
    var charts = data.metrics.map(function (metric, i) {
      return buildChart(svgs[i], metric, data.maxEpochs, ctxColors);
    });

    function valueText(s, i) {
      return data.sliders[s].labels[i];
    }

    function describe(index) {
      return data.sliders.map(function (s, k) {
        return s.short + "=" + valueText(k, index[k]);
      }).join(", ");
    }

    function update() {
      sliders.forEach(function (input, k) {
        var out = part(input.parentNode, "value");
        if (out) out.textContent = valueText(k, state.index[k]);
      });
      if (epochSlider) {
        var eo = part(epochSlider.parentNode, "value");
        if (eo) eo.textContent = String(state.epochs);
      }
      var runIndex = lookup[state.index.join(",")];
      var run = runIndex === undefined ? null : data.runs[runIndex];
      var color = ctx >= 0 ? ctxColors[state.index[ctx]] : data.color;
      charts.forEach(function (chart, m) {
        var metric = data.metrics[m];
        chart.train.setAttribute("points", run ? points(chart, run.h[metric.train], state.epochs) : "");
        chart.val.setAttribute("points", run ? points(chart, run.h[metric.val], state.epochs) : "");
        chart.train.setAttribute("stroke", color);
        chart.val.setAttribute("stroke", color);
        chart.missing.setAttribute("display", run ? "none" : "inline");
        chart.context.forEach(function (line, j) {
          var other = null;
          if (data.showContext && j !== state.index[ctx]) {
            var idx = state.index.slice();
            idx[ctx] = j;
            var o = lookup[idx.join(",")];
            other = o === undefined ? null : data.runs[o];
          }
          line.setAttribute("points", other ? points(chart, other.h[metric.val], state.epochs) : "");
        });
      });
      if (!run) {
        showMessage(root, "No precomputed run for " + describe(state.index) +
          ". Move a slider to a combination that was trained.");
        readout.textContent = "";
        return;
      }
      showMessage(root, "");
      var bits = [];
      var va = run.h[data.readoutMetric];
      if (va && va.length) {
        var n = Math.min(va.length, state.epochs);
        var last = va[n - 1];
        if (last !== null) {
          bits.push("validation accuracy after epoch " + n + ": " + (100 * last).toFixed(1) + "%");
        }
      }
      if (run.test !== null && run.test !== undefined && state.epochs >= run.len) {
        bits.push("test accuracy: " + (100 * run.test).toFixed(1) + "%");
      }
      if (run.params !== null && run.params !== undefined) {
        bits.push("parameters: " + formatNumber(run.params));
      }
      readout.textContent = describe(state.index) + " \u2014 " + bits.join(" \u00b7 ");
    }

    sliders.forEach(function (input, k) {
      input.addEventListener("input", function () {
        state.index[k] = parseInt(input.value, 10);
        update();
      });
    });
    if (epochSlider) {
      epochSlider.addEventListener("input", function () {
        state.epochs = parseInt(epochSlider.value, 10);
        update();
      });
    }
    keyboard(root);
    update();
    root.rnx = { update: update, state: state, data: data };
    root.setAttribute("data-rnx-ready", "1");
  }

  /* ---------------------------------------------------------------------------------------
   * The choice slider: one of several precomputed panels
   * ------------------------------------------------------------------------------------- */

  function initChoice(root) {
    if (!root || root.getAttribute("data-rnx-ready")) return;
    var input = part(root, "slider");
    var panels = parts(root, "panel");
    var out = part(root, "value");
    var labels = JSON.parse(part(root, "data").textContent).labels;
    showMessage(root, "");
    function update() {
      var i = parseInt(input.value, 10);
      panels.forEach(function (panel, j) {
        panel.style.display = j === i ? "" : "none";
      });
      if (out) out.textContent = labels[i];
    }
    input.addEventListener("input", update);
    keyboard(root);
    update();
    root.rnx = { update: update };
    root.setAttribute("data-rnx-ready", "1");
  }

  /* ---------------------------------------------------------------------------------------
   * Keyboard: every slider answers the arrow keys, Page Up/Down, Home and End. The browser
   * does this for a focused range input on its own, but inside JupyterLab the keys also reach
   * the notebook, whose command mode moves the active cell on the arrows. So the slider
   * handles them itself and stops them there.
   * ------------------------------------------------------------------------------------- */

  var KEY_STEPS = {
    ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1,
    Left: -1, Down: -1, Right: 1, Up: 1,
  };

  function keyTarget(input, key) {
    var min = Number(input.min || 0), max = Number(input.max || 100);
    var step = Number(input.step) || 1;
    var value = Number(input.value);
    var page = Math.max(step, Math.ceil((max - min) / step / 5) * step);
    if (key === "Home") return min;
    if (key === "End") return max;
    if (key === "PageUp") return Math.min(max, value + page);
    if (key === "PageDown") return Math.max(min, value - page);
    if (Object.prototype.hasOwnProperty.call(KEY_STEPS, key)) {
      return Math.min(max, Math.max(min, value + KEY_STEPS[key] * step));
    }
    return null;
  }

  function onSliderKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var input = event.currentTarget;
    var target = keyTarget(input, event.key);
    if (target === null) return;
    event.preventDefault();
    event.stopPropagation();
    if (Number(input.value) === target) return;
    input.value = String(target);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function keyboard(root) {
    root.querySelectorAll('input[type="range"]').forEach(function (input) {
      input.addEventListener("keydown", onSliderKey);
    });
  }

  function safely(init) {
    return function (root) {
      try {
        init(root);
      } catch (err) {
        showMessage(root, "This explorer could not start: " + err);
        if (window.console) window.console.error(err);
      }
    };
  }

  window.ResNeXtExplorer = { initCurves: safely(initCurves), initChoice: safely(initChoice) };
})();
