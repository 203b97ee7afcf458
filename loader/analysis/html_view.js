// The page's own script: draws the data with Cytoscape.js and fCoSE, then wires the search box,
// the filters and the details panel. Every name and sentence is data, so it reaches the page only
// through textContent (never innerHTML).
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("data").textContent);
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const labels = new Map(data.labels.map((l) => [l.label, l]));
  const pillarName = new Map(data.pillars.map((p) => [p.id, p.name]));
  const view = (window.kgView = { ready: false });
  const FONT = 14; // px at zoom 1
  const READABLE = 13; // px on screen: the drawing is squeezed (labels kept apart) towards this
  const PAD = 16;

  function seeded(seed) {
    // mulberry32: the layout starts from the same random positions each time the page opens
    return function () {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const cy = cytoscape({
    container: document.getElementById("graph"),
    elements: {
      nodes: data.nodes.map((n) => ({
        data: { id: n.id, name: n.name, colour: labels.get(n.label).colour },
        classes: n.emphasis ? "pillar" : "",
      })),
      edges: data.edges.map((e) => ({ data: { id: e.id, source: e.s, target: e.t } })),
    },
    style: [
      { selector: "node", style: {
        width: 12, height: 12, "background-color": "data(colour)", "border-width": 1,
        "border-color": "#fff", label: "data(name)", "font-size": FONT, color: "#1d2430",
        "font-family": getComputedStyle(document.body).fontFamily,
        "text-valign": "bottom", "text-margin-y": 2, "text-wrap": "wrap", "text-overflow-wrap": "anywhere",
        "text-max-width": 9 * FONT, "text-background-color": "#fafbfc",
        "text-background-opacity": 0.85, "text-background-padding": 1, "min-zoomed-font-size": 0 } },
      { selector: "node.pillar", style: {
        width: 30, height: 30, "border-width": 3, "border-color": "#222", "font-size": FONT + 3,
        "font-weight": "bold", "text-max-width": 12 * FONT } },
      { selector: "edge", style: {
        width: 1, "line-color": "#c2c7cf", "curve-style": "bezier", "target-arrow-shape": "triangle",
        "target-arrow-color": "#c2c7cf", "arrow-scale": 0.6 } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#0b57d0" } },
      { selector: "edge:selected", style: { width: 3, "line-color": "#0b57d0", "target-arrow-color": "#0b57d0" } },
      { selector: ".faded", style: { opacity: 0.25 } },
      { selector: ".hidden", style: { display: "none" } },
    ],
    minZoom: 0.1,
    maxZoom: 8,
    boxSelectionEnabled: false,
  });
  view.cy = cy;

  function el(tag, parent, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    if (parent) parent.appendChild(e);
    return e;
  }

  function fitVisible() {
    cy.resize(); // the header and legend may have changed the container's size
    const shown = cy.nodes().not(".hidden");
    cy.fit(shown, PAD);
    if (cy.zoom() > 1.6) { // a few nodes: fitted, their labels would be huge
      cy.zoom(1.6);
      cy.center(shown);
    }
  }

  // filters: a label shown by its checkbox, and (if one is chosen) a pillar with its members
  const legend = document.getElementById("legend");
  const pillarSelect = document.getElementById("pillar");
  const counts = new Map();
  for (const n of data.nodes) counts.set(n.label, (counts.get(n.label) || 0) + 1);
  for (const l of data.labels) {
    const row = el("label", legend);
    const box = el("input", row);
    box.type = "checkbox";
    box.checked = true;
    box.value = l.label;
    box.addEventListener("change", () => applyFilters(true));
    el("span", row, null, "dot").style.backgroundColor = l.colour;
    row.appendChild(document.createTextNode(`${l.zh} ${l.label} (${counts.get(l.label) || 0})`));
  }
  for (const p of data.pillars) {
    const option = el("option", pillarSelect, p.name);
    option.value = p.id;
  }
  pillarSelect.addEventListener("change", () => applyFilters(true));

  function passes(n) {
    const shownLabels = new Set(
      [...legend.querySelectorAll("input:checked")].map((b) => b.value));
    const pillar = pillarSelect.value;
    return shownLabels.has(n.label) && (!pillar || n.pillar === pillar || n.id === pillar);
  }

  function applyFilters(fit) {
    if (fit) { // a new view: what was selected, or found, may be gone from it
      clearSelection();
      say("");
    }
    cy.batch(() => {
      cy.nodes().forEach((node) => {
        if (passes(byId.get(node.id()))) node.removeClass("hidden");
        else node.addClass("hidden").unselect();
      });
    });
    if (fit) fitVisible();
  }

  function showAll() {
    for (const box of legend.querySelectorAll("input")) box.checked = true;
    pillarSelect.value = "";
    applyFilters(false);
  }

  // the details panel: a node's relations, or one relation, each with its citing sentence
  const panel = document.getElementById("panel");
  const details = document.getElementById("details");

  function nodeLink(parent, node) {
    const b = el("button", parent, node.name, "link");
    b.type = "button";
    b.addEventListener("click", () => focusNode(node.id, true));
  }

  function relation(parent, e, from) {
    const box = el("div", parent, null, "rel");
    const head = el("div", box, null, "head");
    const other = byId.get(e.s === from ? e.t : e.s);
    head.appendChild(document.createTextNode(e.s === from ? "→ " : "← "));
    head.appendChild(document.createTextNode(`${e.type_zh} ${e.type} `));
    head.appendChild(document.createTextNode(e.s === from ? "→ " : "← "));
    nodeLink(head, other);
    el("div", box, `“${e.sentence}”`, "sentence");
    const source = el("div", box, `来源 Source: ${e.source}`, "source");
    if (e.source_en) source.appendChild(document.createTextNode(` (${e.source_en})`));
    if (e.url) el("div", box, e.url, "source");
  }

  function showNode(id) {
    const n = byId.get(id);
    details.replaceChildren();
    el("h2", details, n.name);
    if (n.name_en) el("p", details, n.name_en, "en");
    const kind = el("div", details, `${labels.get(n.label).zh} ${n.label}`, "kind");
    if (n.aliases.length) el("div", kind, `别名 Aliases: ${n.aliases.join("、")}`);
    if (n.pillar) el("div", kind, `支柱 Pillar: ${pillarName.get(n.pillar)}`);
    const rels = data.edges.filter((e) => e.s === id || e.t === id);
    el("div", details, `关系 Relations: ${rels.length}`, "kind");
    for (const e of rels) relation(details, e, id);
    panel.style.display = "block";
    panel.scrollTop = 0;
  }

  function showEdge(id) {
    const e = data.edges.find((x) => x.id === id);
    details.replaceChildren();
    el("h2", details, `${e.type_zh} ${e.type}`);
    const ends = el("div", details, null, "kind");
    nodeLink(ends, byId.get(e.s));
    ends.appendChild(document.createTextNode(" → "));
    nodeLink(ends, byId.get(e.t));
    relation(details, e, e.s);
    panel.style.display = "block";
  }

  function highlight(ele) {
    cy.batch(() => {
      cy.elements().removeClass("faded");
      const near = ele.isNode() ? ele.closedNeighborhood() : ele.union(ele.connectedNodes());
      cy.elements().not(near).addClass("faded");
    });
  }

  function clearSelection() {
    cy.elements().unselect().removeClass("faded");
    panel.style.display = "none";
  }

  function focusNode(id, centre) {
    const node = cy.getElementById(id);
    if (node.hasClass("hidden")) showAll();
    cy.elements().unselect();
    node.select();
    highlight(node);
    if (centre) {
      if (cy.zoom() < 1.2) cy.zoom(1.2);
      cy.center(node);
    }
    showNode(id);
  }

  cy.on("tap", "node", (ev) => focusNode(ev.target.id(), false));
  cy.on("tap", "edge", (ev) => {
    cy.elements().unselect();
    ev.target.select();
    highlight(ev.target);
    showEdge(ev.target.id());
  });
  cy.on("tap", (ev) => { if (ev.target === cy) clearSelection(); });
  document.getElementById("close").addEventListener("click", clearSelection);
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") clearSelection(); });

  // search: a name, an alias or the English name, exact before prefix before part; Enter again
  // goes to the next match
  const search = document.getElementById("search");
  const status = document.getElementById("status");
  const HINT = status.textContent;
  function say(text, kind) { // nothing to say: the hint comes back
    status.textContent = text || HINT;
    status.className = text ? kind || "" : "hint";
  }
  const names = document.getElementById("names");
  const fold = (s) => (s || "").normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
  const seen = new Set();
  for (const n of data.nodes) {
    for (const s of [n.name, n.name_en, ...n.aliases]) {
      if (!s || seen.has(s)) continue;
      seen.add(s);
      el("option", names).value = s;
    }
  }
  let last = { query: null, index: 0 };

  function matches(query) {
    const key = fold(query);
    if (!key) return [];
    const found = [];
    for (const n of data.nodes) {
      let rank = 9;
      for (const s of [n.name, n.name_en, ...n.aliases].map(fold)) {
        if (s === key) rank = Math.min(rank, 0);
        else if (s.startsWith(key)) rank = Math.min(rank, 1);
        else if (s.includes(key)) rank = Math.min(rank, 2);
      }
      if (rank < 9) found.push([rank, n]);
    }
    found.sort((a, b) => a[0] - b[0] || a[1].name.localeCompare(b[1].name, "zh"));
    return found.map((f) => f[1]);
  }

  function find() {
    const query = search.value;
    const found = matches(query);
    if (!fold(query)) { say(""); return; }
    if (!found.length) {
      say(`未找到 Not found: ${query}`, "missing");
      return;
    }
    last = { query, index: last.query === query ? (last.index + 1) % found.length : 0 };
    const n = found[last.index];
    say(`${n.name} (${last.index + 1}/${found.length})`);
    focusNode(n.id, true);
  }

  document.getElementById("go").addEventListener("click", find);
  search.addEventListener("keydown", (ev) => { if (ev.key === "Enter") find(); });
  search.addEventListener("input", (ev) => {
    if (ev.inputType === "insertReplacementText") find(); // picked from the list
  });
  document.getElementById("reset").addEventListener("click", () => {
    showAll();
    clearSelection();
    say("");
    fitVisible();
  });
  window.addEventListener("resize", () => fitVisible());

  // Labels apart: the boxes of node and label together (model coordinates), pushed apart in
  // pairs along the axis that needs the smaller move. fCoSE counts the labels too, but a layout
  // compact enough to read when fitted still leaves a few touching.
  function boxes(nodes, gap) {
    return nodes.map((n) => {
      const b = n.boundingBox({ includeLabels: true, includeOverlays: false });
      const p = n.position();
      return { n, x: p.x, y: p.y, l: b.x1 - p.x - gap, r: b.x2 - p.x + gap,
               t: b.y1 - p.y - gap, b: b.y2 - p.y + gap };
    });
  }

  const EPS = 0.01;
  // `yCost`: how much more a move along y costs than one along x (above 1 when the window's
  // height limits the fit, so labels part sideways into the room there is).
  function separate(items, yCost) {
    for (let round = 0; round < 1000; round++) {
      let moved = false;
      for (let i = 0; i < items.length; i++) {
        for (let j = i + 1; j < items.length; j++) {
          const a = items[i], c = items[j];
          const ox = Math.min(a.x + a.r, c.x + c.r) - Math.max(a.x + a.l, c.x + c.l);
          const oy = Math.min(a.y + a.b, c.y + c.b) - Math.max(a.y + a.t, c.y + c.t);
          if (ox <= EPS || oy <= EPS) continue; // the gap absorbs what is left
          moved = true;
          if (ox < oy * yCost) {
            const s = (a.x + (a.l + a.r) / 2 <= c.x + (c.l + c.r) / 2 ? -1 : 1) * (ox / 2 + EPS);
            a.x += s; c.x -= s;
          } else {
            const s = (a.y + (a.t + a.b) / 2 <= c.y + (c.t + c.b) / 2 ? -1 : 1) * (oy / 2 + EPS);
            a.y += s; c.y -= s;
          }
        }
      }
      if (!moved) return true;
    }
    return false;
  }

  function extent(items) {
    const x1 = Math.min(...items.map((i) => i.x + i.l)), x2 = Math.max(...items.map((i) => i.x + i.r));
    const y1 = Math.min(...items.map((i) => i.y + i.t)), y2 = Math.max(...items.map((i) => i.y + i.b));
    const sx = (cy.width() - 2 * PAD) / (x2 - x1), sy = (cy.height() - 2 * PAD) / (y2 - y1);
    return { zoom: Math.min(sx, sy), wide: sx < sy, cx: (x1 + x2) / 2, cy: (y1 + y2) / 2 };
  }

  // Apart first; then, while the labels would be small on screen once fitted, squeeze the
  // drawing along the side that limits the fit and part the labels again, keeping the best.
  function place(nodes) {
    const items = boxes(nodes, 1);
    {
      // the drawing's shape towards the window's (area kept), so fitting wastes less of it
      const x1 = Math.min(...items.map((i) => i.x)), x2 = Math.max(...items.map((i) => i.x));
      const y1 = Math.min(...items.map((i) => i.y)), y2 = Math.max(...items.map((i) => i.y));
      const k = Math.sqrt((cy.width() / cy.height()) / ((x2 - x1) / (y2 - y1)));
      // one node, or all in a line, has no shape to change
      if (Number.isFinite(k) && k > 0) for (const i of items) { i.x *= k; i.y /= k; }
    }
    const parted = separate(items, 1);
    let best = items.map((i) => [i.x, i.y]), most = extent(items), squeezes = 0;
    for (; parted && squeezes < 15 && most.zoom * FONT < READABLE; squeezes++) {
      const e = extent(items);
      for (const i of items) {
        if (e.wide) i.x = e.cx + (i.x - e.cx) * 0.9;
        else i.y = e.cy + (i.y - e.cy) * 0.9;
      }
      if (!separate(items, e.wide ? 1 / 3 : 3)) break;
      const now = extent(items);
      if (now.zoom <= most.zoom) break;
      best = items.map((i) => [i.x, i.y]);
      most = now;
    }
    cy.batch(() => items.forEach((it, k) => it.n.position({ x: best[k][0], y: best[k][1] })));
    return { parted, squeezes };
  }

  // The layout: fCoSE, each label's box counted as part of its node. A hub (the district, beside
  // half the graph) gets long, slack edges, so its neighbours sit by their other relations
  // instead of piling up around it.
  const hub = Math.max(20, 0.2 * cy.nodes().length);
  const touchesHub = (e) => e.source().degree() > hub || e.target().degree() > hub;
  const random = Math.random;
  Math.random = seeded(18);
  const layout = cy.layout({
    name: "fcose", quality: "proof", randomize: true, animate: false, fit: false,
    nodeDimensionsIncludeLabels: true, nodeRepulsion: 3000, gravity: 0.5, numIter: 4000,
    idealEdgeLength: (e) => (touchesHub(e) ? 60 : 15),
    edgeElasticity: (e) => (touchesHub(e) ? 0.05 : 0.45),
  });
  layout.one("layoutstop", () => {
    Math.random = random;
    view.placed = place(cy.nodes());
    fitVisible();
    requestAnimationFrame(() => requestAnimationFrame(() => {
      view.settledMs = performance.now();
      view.ready = true;
    }));
  });
  layout.run();
})();
