/* The reading room (scrape serve): fold the column glossary, offer the hidden columns back,
   and draw each <canvas data-chart> with Chart.js. Works without it: the page stays readable. */
(function () {
  function foldGlossary() {
    document.querySelectorAll("dl.column-descriptions").forEach(function (dl) {
      var details = document.createElement("details");
      details.className = "glossary";
      var summary = document.createElement("summary");
      summary.textContent = "What the columns mean (" + dl.querySelectorAll("dt").length + ")";
      dl.parentNode.insertBefore(details, dl);
      details.appendChild(summary);
      details.appendChild(dl);
    });
  }

  // Datasette's heading says "(view)", a database word; the reader sees the view's title.
  function dropViewSuffix() {
    var h1 = document.querySelector(".page-header h1");
    if (!h1 || !/(^| )table-/.test(document.body.className)) return;
    h1.childNodes.forEach(function (node) {
      if (node.nodeType === Node.TEXT_NODE) {
        node.textContent = node.textContent.replace(/ \(view\)\s*$/, "");
      }
    });
  }

  function offerHiddenColumns() {
    var table = document.querySelector("table.rows-and-columns");
    if (!table) return;
    var hidden = Array.prototype.filter.call(table.querySelectorAll("thead th"), function (th) {
      return getComputedStyle(th).display === "none";
    });
    if (!hidden.length) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "show-columns";
    var label = function () {
      return document.body.classList.contains("show-all")
        ? "Hide the internal columns"
        : "Show all columns (" + hidden.length + " internal ones hidden)";
    };
    button.textContent = label();
    button.addEventListener("click", function () {
      document.body.classList.toggle("show-all");
      button.textContent = label();
    });
    var wrapper = table.closest(".table-wrapper") || table;
    wrapper.parentNode.insertBefore(button, wrapper);
  }

  function drawCharts() {
    if (typeof Chart === "undefined") return;
    var palette = ["#276890", "#e07b39", "#5a9e4b", "#9b59b6", "#c0392b", "#7f8c8d"];
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = JSON.parse(canvas.getAttribute("data-chart"));
      var datasets = spec.datasets.map(function (set, i) {
        var colour = palette[i % palette.length];
        return {
          label: set.label, data: set.data, backgroundColor: colour, borderColor: colour,
          pointRadius: 0, borderWidth: spec.type === "line" ? 1.5 : 0,
        };
      });
      new Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: datasets },
        options: {
          animation: false, responsive: true, maintainAspectRatio: false,
          plugins: { legend: { display: datasets.length > 1 } },
          scales: {
            x: { stacked: !!spec.stacked },
            y: { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } },
          },
        },
      });
    });
  }

  function start() {
    dropViewSuffix();
    foldGlossary();
    offerHiddenColumns();
    drawCharts();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
