// The story page (#/story/ID): the story's facts, who reported first and
// the copy graph (its provenance: who copied or rewrote whom), and a
// timeline of its articles with one lane per outlet. A duplicate group is
// one item with a "×N copies" badge that opens to its members.
//
// Placement: an article sits at its publication time. Articles without
// one are listed apart, as undated: the time the server received them is
// no publication time and never placed on the axis. The axis is linear
// between the earliest and the latest item; items that would overlap in
// a lane go to another row of that lane. Rows are laid out in pixels,
// again whenever the timeline's width changes.

import { api } from "./api.js";
import {
  h, route, plural, spanText, timeEl, chips, outletName, hue, label, relationName, parseTime,
  formatTime, pct, publishedEl, copyRelations,
} from "./dom.js";
import { fetchLeads } from "./leads.js";

const cardWidth = 232; // px, the width of one timeline item
const cardGap = 10; // px between items in a row
const minSpread = 60e3; // ms: items closer in time than this share one time

export async function renderStory(id, ctx) {
  const path = "stories/" + encodeURIComponent(id);
  const [s, g] = await Promise.all([
    api(path, {}, ctx),
    // The story's answer carries the error; without a graph the page
    // still shows its articles.
    api(path + "/provenance", {}, ctx).catch((err) => { if (err.name === "AbortError") throw err; return null; }),
  ]);
  const items = s.items || [];
  items.forEach((a, i) => { a.arrival = i; });
  const byID = new Map(items.map((a) => [a.id, a]));
  // Untitled articles are named by the engine's lead (date lines and
  // datelines skipped), as the copy graph names them.
  for (const n of (g && g.nodes) || []) {
    const a = byID.get(n.id);
    if (a && !a.title && n.headline) a.lead = n.headline;
  }
  // First by publication time only (the provenance graph's), else none.
  const first = g && (g.first_reported_by || []).length ? byID.get(g.first_reported_by[0]) || null : null;

  // Duplicate groups of two or more of the story's articles collapse.
  const groupOf = new Map();
  for (const g of s.groups || []) {
    const members = g.articles.map((x) => byID.get(x)).filter(Boolean);
    if (members.length < 2) continue;
    const rep = byID.get(g.id) || members[0];
    const grp = { id: g.id, rep, members: [rep, ...members.filter((m) => m !== rep)] };
    for (const m of members) groupOf.set(m.id, grp);
  }
  const reference = (a) => {
    const g = groupOf.get(a.id);
    if (g && g.rep !== a) return { other: g.rep, why: "the group's original" };
    if (first && a !== first) return { other: first, why: "the story's first article" };
    return null;
  };

  const cards = new Map(); // article id → its title elements, for leads
  const timeline = buildTimeline(items, groupOf, reference, cards);
  const prov = g ? provenanceSection(g, s, byID) : h("p", { class: "muted" }, "The copy graph could not be loaded.");
  const table = buildTable(items, groupOf, reference, first, cards);

  const sources = s.sources || [];
  const span = spanText(s.first_seen, s.last_seen);
  ctx.title = s.headline || s.id;
  const view = h("div", { class: "view story-view" },
    h("nav", { class: "crumbs", "aria-label": "Breadcrumbs" },
      h("a", { href: "#/" }, "Stories"), " › ",
      s.storyline && [h("a", { href: route("storyline", s.storyline) }, "Storyline"), " › "],
      h("span", {}, "Story ", h("code", {}, s.id))),
    h("h1", { class: "headline" }, s.headline || s.id),
    h("p", { class: "dek" },
      plural(s.articles, "article"), sources.length ? [" from ", plural(sources.length, "outlet")] : "",
      " · ", span ? span : h("span", { class: "muted" }, "no publication dates"),
      " · updated ", timeEl(s.updated),
      s.lang && [" · ", h("span", { title: "language" }, s.lang)],
      s.storyline && [" · ", h("a", { href: route("storyline", s.storyline) }, "storyline ", h("code", {}, s.storyline))]),
    (s.terms || []).length > 0 && chips(s.terms.map((t) => h("a", { class: "chip term", href: route("", null, { term: t }) }, t)), "terms"),
    items.length < s.articles && h("p", { class: "note" }, `Showing the first ${items.length} of ${s.articles} articles.`),
    prov,
    h("section", { class: "timeline-section" },
      h("h2", {}, "Timeline"),
      h("p", { class: "legend muted" },
        h("span", {}, h("span", { class: "dot" }), "by publication time"),
        h("span", {}, h("span", { class: "dot hollow" }), "no publication time: listed apart as undated"),
        groupOf.size > 0 && h("span", {}, h("span", { class: "copies static" }, "×N"), " copies of one article: click to open")),
      timeline),
    h("section", { class: "articles-section" },
      h("h2", {}, "Articles"),
      table),
  );
  fetchLeads(items, cards, ctx);
  return view;
}

function whenEl(a) {
  return h("span", { class: "when" + (a.published ? "" : " received") },
    h("span", { class: "dot" + (a.published ? "" : " hollow"), "aria-hidden": "true" }),
    publishedEl(a));
}

function compareLink(a, ref, text) {
  if (!ref) return null;
  return h("a", { class: "compare", href: route("compare", null, { a: a.id, b: ref.other.id }), title: `Compare with ${ref.why}: ${label(ref.other)}` },
    text || (ref.why === "the group's original" ? "Compare with original" : "Compare with first"));
}

function relationBadges(a) {
  return (a.relations || []).map((r) => h("span", { class: "badge rel-" + r.relation, title: `${relationName(r.relation)} of ${r.id} (Jaccard ${r.jaccard}, containment ${r.containment})` },
    relationName(r.relation)));
}

function titleEl(a, cards) {
  const el = h("a", { class: "title", href: route("article", a.id) }, label(a));
  if (!a.title) el.classList.add("untitled");
  if (!cards.has(a.id)) cards.set(a.id, []);
  cards.get(a.id).push(el);
  return el;
}

// buildTimeline returns the timeline element: an axis, then a lane per
// outlet, ordered by each outlet's earliest item.
function buildTimeline(items, groupOf, reference, cards) {
  if (items.length === 0) return h("p", { class: "empty" }, "This story holds no article now.");
  const all = [];
  for (const a of items) {
    const g = groupOf.get(a.id);
    if (g && g.rep !== a) {
      // A copy from another outlet leaves a marker in its own lane.
      if (outletName(a.source) !== outletName(g.rep.source)) all.push({ kind: "ghost", a, g });
      continue;
    }
    all.push({ kind: g ? "group" : "article", a, g });
  }
  for (const e of all) {
    e.t = +parseTime(e.a.published) || 0;
    e.source = outletName(e.a.source);
  }
  // Undated items are listed apart (a ghost of an undated copy is not
  // needed there: its group card is in the list).
  const entries = all.filter((e) => e.t);
  const undated = all.filter((e) => !e.t && e.kind !== "ghost");
  const lanes = new Map();
  for (const e of [...entries].sort((x, y) => x.t - y.t || x.a.arrival - y.a.arrival)) {
    if (!lanes.has(e.source)) lanes.set(e.source, []);
    lanes.get(e.source).push(e);
  }
  // Items less than a minute apart are shown at one time, in rows: a
  // spread over milliseconds of arrival would mean nothing.
  let tmin = entries.length ? Math.min(...entries.map((e) => e.t)) : 0, tmax = entries.length ? Math.max(...entries.map((e) => e.t)) : 0;
  if (!(tmax - tmin >= minSpread)) tmax = tmin;

  const groupCards = new Map();
  for (const e of all) {
    if (e.kind === "ghost") continue;
    e.el = e.kind === "group" ? groupCard(e, reference, cards) : articleCard(e.a, reference, cards);
    if (e.g) groupCards.set(e.g.id, e.el);
  }
  for (const e of all) {
    if (e.kind !== "ghost" || !e.t) continue;
    const others = e.g.members.length - 1;
    e.el = h("button", {
      type: "button", class: "ghost", dataset: { id: e.a.id },
      title: `A copy of “${label(e.g.rep)}” (${outletName(e.g.rep.source)}); show the group`,
      onclick: () => {
        const card = groupCards.get(e.g.id);
        card.openGroup(true);
        card.scrollIntoView({ block: "nearest", behavior: "smooth" });
        card.focus();
      },
    }, whenEl(e.a), h("span", { class: "ghost-label" }, `copy · ×${others + 1}`));
  }

  const axis = h("div", { class: "axis", "aria-hidden": "true" });
  const laneEls = [];
  for (const [name, es] of lanes) {
    const rows = h("div", { class: "lane-rows" });
    const lane = h("div", { class: "lane", role: "listitem" },
      h("div", { class: "lane-head" },
        h("span", { class: "swatch", "aria-hidden": "true" }),
        h("span", { class: "lane-name" }, name),
        h("span", { class: "lane-count muted", title: "articles from this outlet" },
          String(items.filter((a) => outletName(a.source) === name).length))),
      rows);
    lane.style.setProperty("--hue", hue(name));
    laneEls.push({ lane, rows, es });
  }
  const undatedBlock = undated.length > 0 && h("div", { class: "undated-block", role: "listitem" },
    h("h3", {}, `Undated · ${plural(undated.length, "item")} without a publication time, in arrival order`),
    h("div", { class: "undated-items" }, undated.map((e) => e.el)));
  if (undated.length) for (const e of undated) e.el.style.setProperty("--hue", hue(e.source));
  const track = h("div", { class: "timeline", role: "list", "aria-label": "Articles by outlet and publication time" },
    entries.length > 0 && axis, laneEls.map((l) => l.lane), undatedBlock);

  // layout places the items in rows by time for the current width.
  let lastWidth = -1;
  const layout = () => {
    let rowsWidth = 0;
    if (laneEls.length) {
      const r = laneEls[0].rows, cs = getComputedStyle(r);
      rowsWidth = r.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    }
    const width = Math.max(rowsWidth, cardWidth + 1);
    if (width === lastWidth) return;
    lastWidth = width;
    const usable = Math.max(width - cardWidth, 0);
    const x = (t) => (tmax > tmin ? ((t - tmin) / (tmax - tmin)) * usable : 0);
    for (const { rows, es } of laneEls) {
      const rowEnds = [], rowEls = [];
      for (const e of es) {
        const px = x(e.t), w = e.kind === "ghost" ? 120 : cardWidth;
        let r = rowEnds.findIndex((end) => end + cardGap <= px);
        if (r < 0) {
          r = rowEnds.length;
          rowEnds.push(-Infinity);
          rowEls.push(h("div", { class: "lane-row" }));
        }
        const prevEnd = rowEnds[r] === -Infinity ? 0 : rowEnds[r];
        e.el.style.marginLeft = `${Math.max(px - prevEnd, 0)}px`;
        rowEnds[r] = Math.max(px, prevEnd) + w;
        rowEls[r].append(e.el);
      }
      rows.replaceChildren(...rowEls);
    }
    const ticks = tmax > tmin ? [0, 0.25, 0.5, 0.75, 1] : [0];
    const long = tmax - tmin > 3 * 86400e3;
    axis.replaceChildren(...ticks.map((f) => {
      const t = new Date(tmin + f * (tmax - tmin)).toISOString();
      const tick = h("span", { class: "tick" }, formatTime(t, !long));
      tick.style.left = `calc(var(--lane-head) + ${f * usable}px)`;
      return tick;
    }));
  };
  new ResizeObserver(() => layout()).observe(track);
  return h("div", { class: "timeline-scroll" }, track);
}

function articleCard(a, reference, cards) {
  return h("article", { class: "item", dataset: { id: a.id }, tabindex: "-1" },
    whenEl(a),
    titleEl(a, cards),
    h("div", { class: "item-foot" },
      h("code", { class: "id", title: a.id }, a.id),
      relationBadges(a)),
    h("div", { class: "item-foot" }, compareLink(a, reference(a))));
}

function groupCard(e, reference, cards) {
  const g = e.g, rep = g.rep;
  const members = h("ol", { class: "members", hidden: true },
    g.members.map((m) => h("li", { class: "member", dataset: { id: m.id } },
      h("div", {}, h("span", { class: "member-outlet" }, outletName(m.source)), " · ", whenEl(m)),
      titleEl(m, cards),
      h("div", { class: "item-foot" },
        h("code", { class: "id", title: m.id }, m.id),
        m === rep ? h("span", { class: "badge" }, "original") : relationBadges(m)),
      compareLink(m, reference(m)))));
  const card = h("article", { class: "item group", dataset: { id: rep.id, group: g.id }, tabindex: "-1" });
  const badge = h("button", {
    type: "button", class: "copies", "aria-expanded": "false",
    title: "Show the copies",
    onclick: () => card.openGroup(members.hidden),
  }, `×${g.members.length} copies`);
  card.openGroup = (open) => {
    members.hidden = !open;
    badge.setAttribute("aria-expanded", String(open));
    card.classList.toggle("open", open);
  };
  const outlets = [...new Set(g.members.map((m) => outletName(m.source)))];
  card.append(...[
    whenEl(rep),
    titleEl(rep, cards),
    h("div", { class: "item-foot" }, badge,
      outlets.length > 1 && h("span", { class: "muted" }, "in " + outlets.join(", "))),
    compareLink(rep, reference(rep)),
    members].filter(Boolean));
  return card;
}

// buildTable lists every article in arrival order: the plain reading of
// the timeline.
function buildTable(items, groupOf, reference, first, cards) {
  return h("div", { class: "table-wrap" }, h("table", { class: "articles" },
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, "When"), h("th", { scope: "col" }, "Outlet"), h("th", { scope: "col" }, "Article"),
      h("th", { scope: "col" }, "Relation"), h("th", { scope: "col" }, ""))),
    h("tbody", {}, items.map((a) => {
      const g = groupOf.get(a.id);
      const rels = (a.relations || []).map((r) => h("div", {},
        relationName(r.relation), " of ", h("a", { href: route("article", r.id) }, h("code", {}, r.id)),
        h("span", { class: "muted" }, ` · J ${pct(r.jaccard)} · C ${pct(r.containment)}`)));
      return h("tr", { dataset: { id: a.id } },
        h("td", { class: "nowrap" }, whenEl(a)),
        h("td", {}, outletName(a.source)),
        h("td", {}, titleEl(a, cards), a === first && h("span", { class: "badge first" }, "first"),
          g && h("span", { class: "badge" }, g.rep === a ? `original of ×${g.members.length}` : "copy")),
        h("td", {}, rels.length ? rels : h("span", { class: "muted" }, "—")),
        h("td", { class: "nowrap" }, compareLink(a, reference(a), "Compare")));
    }))));
}

// The copy graph: nodes are the story's articles in columns by
// publication time (articles published at the same time share a column;
// undated ones stand in a last column of their own), edges the copies
// and rewrites the engine found, drawn from the source to the derived
// article; an edge whose direction is unknown is dashed, without arrow.

const svgNS = "http://www.w3.org/2000/svg";

// s creates SVG element tag with attributes and children (strings become
// text nodes).
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

function clip(text, n) {
  const t = (text || "").replace(/\s+/g, " ").trim();
  return t.length <= n ? t : t.slice(0, n - 1).trimEnd() + "…";
}

const nodeW = 210, nodeH = 66, colGap = 90, rowGap = 18, top = 26, pad = 8;

// copyGraph draws provenance graph g as an SVG element.
export function copyGraph(g) {
  const nodes = g.nodes || [], edges = g.edges || [];
  const first = new Set(g.first_reported_by || []);
  // Columns: one per distinct publication time, then one for the undated.
  const cols = [];
  const colOf = new Map();
  let lastKey = null;
  for (const n of nodes) {
    const key = n.published ? String(+parseTime(n.published)) : "undated";
    if (key !== lastKey) {
      cols.push({ key, label: n.published ? formatTime(n.published, false) : "undated", nodes: [] });
      lastKey = key;
    }
    const col = cols[cols.length - 1];
    colOf.set(n.id, { col: cols.length - 1, row: col.nodes.length });
    col.nodes.push(n);
  }
  const rows = Math.max(1, ...cols.map((c) => c.nodes.length));
  const width = pad * 2 + cols.length * nodeW + Math.max(0, cols.length - 1) * colGap + (cols.length === 1 ? 80 : 0);
  const height = top + rows * nodeH + (rows - 1) * rowGap + pad + 10;
  const pos = (id) => {
    const p = colOf.get(id);
    return p && { x: pad + p.col * (nodeW + colGap), y: top + p.row * (nodeH + rowGap), col: p.col };
  };
  const svg = s("svg", {
    class: "copy-graph", width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `Copy graph: ${nodes.length} articles, ${edges.length} copy or rewrite edges`,
  });
  svg.append(s("defs", {},
    ["copy", "rewrite"].map((k) => s("marker", { id: "arrow-" + k, class: "arrow-" + k, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
      s("path", { d: "M0,0 L10,5 L0,10 z", fill: k === "copy" ? "#b3261e" : "#1f4f8f" })))));
  cols.forEach((c, i) => svg.append(s("text", { class: "col-label", x: pad + i * (nodeW + colGap), y: 14 }, c.label)));

  const byID = new Map(nodes.map((n) => [n.id, n]));
  for (const e of edges) {
    const f = pos(e.from), t = pos(e.to);
    if (!f || !t) continue;
    let d, lx, ly;
    if (f.col === t.col) {
      // Same column: an arc on the right.
      const x = f.x + nodeW, y1 = f.y + nodeH / 2, y2 = t.y + nodeH / 2, bend = 40 + Math.abs(y2 - y1) / 4;
      d = `M${x},${y1} C${x + bend},${y1} ${x + bend},${y2} ${x},${y2}`;
      lx = x + bend * 0.75 + 4;
      ly = (y1 + y2) / 2;
    } else {
      const fwd = f.col < t.col;
      const x1 = fwd ? f.x + nodeW : f.x, x2 = fwd ? t.x : t.x + nodeW;
      const y1 = f.y + nodeH / 2, y2 = t.y + nodeH / 2, mid = (x1 + x2) / 2;
      d = `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
      lx = mid;
      ly = (y1 + y2) / 2 - 6;
    }
    const kind = copyRelations.has(e.relation) ? "copy" : "rewrite";
    const from = byID.get(e.from), to = byID.get(e.to);
    const what = e.directed
      ? `${outletName(to.source)} ${kind === "copy" ? "copied" : "rewrote"} ${outletName(from.source)} (${relationName(e.relation)}, ${pct(e.coverage)} of it)`
      : `${outletName(from.source)} and ${outletName(to.source)} share text (${relationName(e.relation)}, ${pct(e.coverage)}); who took from whom is unknown`;
    svg.append(s("g", { class: `edge ${kind}${e.directed ? " directed" : " undirected"}`, "data-from": e.from, "data-to": e.to },
      s("title", {}, what),
      s("a", { href: route("compare", null, { a: e.from, b: e.to }) },
        s("path", { d, "marker-end": e.directed ? `url(#arrow-${kind})` : null }),
        s("text", { x: lx, y: ly, "text-anchor": f.col === t.col ? "start" : "middle" }, `${e.relation.replace(/_/g, " ")} ${pct(e.coverage)}`))));
  }
  for (const n of nodes) {
    const p = pos(n.id);
    const date = n.published ? formatTime(n.published) + (n.published_from === "text" ? " (read from the text)" : "") : "undated";
    svg.append(s("g", { class: `node${first.has(n.id) ? " first" : ""}${n.published ? "" : " undated-node"}`, "data-id": n.id },
      s("title", {}, `${outletName(n.source)}: ${n.headline || n.id}\n${date} · ${n.id}`),
      s("a", { href: route("article", n.id) },
        s("rect", { x: p.x, y: p.y, width: nodeW, height: nodeH, rx: 6 }),
        s("text", { class: "node-outlet", x: p.x + 8, y: p.y + 17 }, clip(outletName(n.source), 28), first.has(n.id) ? " ★" : ""),
        s("text", { class: "node-title", x: p.x + 8, y: p.y + 34 }, clip(n.headline || n.id, 34)),
        s("text", { class: "node-date", x: p.x + 8, y: p.y + 54 }, clip(date, 38)))));
  }
  return svg;
}

// provenanceSection says who reported first and draws the copy graph.
function provenanceSection(g, story, byID) {
  const nodes = new Map((g.nodes || []).map((n) => [n.id, n]));
  const firsts = (g.first_reported_by || []).map((id) => nodes.get(id)).filter(Boolean);
  const firstLine = firsts.length > 0
    ? h("p", { class: "first-reported" }, "First reported by ",
      firsts.map((n, i) => [i > 0 && (i === firsts.length - 1 ? " and " : ", "),
        h("span", { class: "outlet" }, outletName(n.source)), ": ",
        h("a", { href: route("article", n.id), dataset: { id: n.id } }, n.headline || label(byID.get(n.id) || n)),
        " (", n.published ? formatTime(n.published) : "", n.published_from === "text" ? ", read from the text" : "", ")"]),
      g.note && h("span", { class: "muted" }, ` — ${g.note}.`))
    : h("p", { class: "first-reported" }, "First reported by: ", h("span", { class: "muted" }, g.note || "cannot be told."));
  const counts = [];
  if (g.copies) counts.push(plural(g.copies, "copy", "copies"));
  if (g.rewrites) counts.push(plural(g.rewrites, "rewrite"));
  if (g.undirected) counts.push(`${plural(g.undirected, "pair")} sharing text with no known direction`);
  if (g.same_story) counts.push(`${plural(g.same_story, "independent report pair")}`);
  return h("section", { class: "provenance-section" },
    h("h2", {}, "Who copied whom"),
    h("div", { class: "provenance" },
      firstLine,
      h("p", { class: "muted legend" }, counts.length ? counts.join(" · ") + ". " : "No copies or rewrites found among these articles. ",
        "Arrows go from the source to the article that took from it; dashed lines join articles that share text when who was first cannot be told. Click an edge to compare."),
      (g.nodes || []).length > 0 && h("div", { class: "graph-scroll" }, copyGraph(g))));
}
