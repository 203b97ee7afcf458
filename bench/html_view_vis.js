// The contender: the same data drawn with vis-network, as close to the shipped page as it goes
// (the same font, label size, wrapping at the same width, fitted on load). Only for the bench:
// bench/html_views.py puts it in the shipped template in place of the page's own script.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("data").textContent);
  const config = window.BENCH_CONFIG; // set by bench/html_views.py
  const labels = new Map(data.labels.map((l) => [l.label, l]));
  const legend = document.getElementById("legend");
  for (const l of data.labels) {
    const row = document.createElement("label");
    row.textContent = `☑ ● ${l.zh} ${l.label} (0)`;
    legend.appendChild(row);
  }
  const FONT = 14;
  const face = getComputedStyle(document.body).fontFamily;
  const wrap = (s, n) => s.match(new RegExp(`.{1,${n}}`, "gu")).join("\n");
  const nodes = data.nodes.map((n) => ({
    id: n.id,
    label: wrap(n.name, n.emphasis ? 12 : 9),
    shape: config.shape,
    size: n.emphasis ? 15 : 6,
    color: { background: labels.get(n.label).colour, border: n.emphasis ? "#222" : "#fff" },
    borderWidth: n.emphasis ? 3 : 1,
    font: { size: n.emphasis ? FONT + 3 : FONT, face, color: "#1d2430",
            background: config.shape === "dot" ? "rgba(250,251,252,0.85)" : undefined },
  }));
  const edges = data.edges.map((e) => ({
    id: e.id, from: e.s, to: e.t, arrows: "to", color: "#c2c7cf", width: 1,
  }));
  const network = new vis.Network(
    document.getElementById("graph"),
    { nodes, edges },
    { layout: { randomSeed: 18 }, physics: config.physics },
  );
  const view = (window.kgView = { ready: false, network });
  network.once("stabilizationIterationsDone", () => {
    network.setOptions({ physics: false });
    network.fit({ animation: false });
    requestAnimationFrame(() => requestAnimationFrame(() => {
      view.settledMs = performance.now();
      view.ready = true;
    }));
  });
})();
