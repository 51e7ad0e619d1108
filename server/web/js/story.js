// The story page (#/story/ID): the story's facts, and a timeline of its
// articles with one lane per outlet. A duplicate group is one item with a
// "×N copies" badge that opens to its members.
//
// Placement: an article sits at its publication time, or at the time it
// was received when it has none (shown hollow, and said in words). The
// axis is linear between the earliest and the latest item; items that
// would overlap in a lane go to another row of that lane. Rows are laid
// out in pixels, again whenever the timeline's width changes.

import { api } from "./api.js";
import {
  h, route, plural, spanText, timeEl, chips, outletName, hue, articleTime, label, relationName, parseTime,
  formatTime, pct,
} from "./dom.js";
import { fetchLeads } from "./leads.js";

const cardWidth = 232; // px, the width of one timeline item
const cardGap = 10; // px between items in a row
const minSpread = 60e3; // ms: items closer in time than this share one time

// earlier reports whether article a came before b, as the engine decides
// "first": by publication time when both have one, else by arrival.
function earlier(a, b) {
  const pa = parseTime(a.published), pb = parseTime(b.published);
  if (pa && pb && +pa !== +pb) return pa < pb;
  return a.arrival < b.arrival;
}

export async function renderStory(id, ctx) {
  const s = await api("stories/" + encodeURIComponent(id), {}, ctx);
  const items = s.items || [];
  items.forEach((a, i) => { a.arrival = i; });
  const byID = new Map(items.map((a) => [a.id, a]));
  let first = items[0];
  for (const a of items) if (earlier(a, first)) first = a;

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
    h("section", { class: "timeline-section" },
      h("h2", {}, "Timeline"),
      h("p", { class: "legend muted" },
        h("span", {}, h("span", { class: "dot" }), "published"),
        h("span", {}, h("span", { class: "dot hollow" }), "no publication date: placed when received"),
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
  const t = articleTime(a);
  return h("span", { class: "when" + (t.received ? " received" : "") },
    h("span", { class: "dot" + (t.received ? " hollow" : ""), "aria-hidden": "true" }),
    t.received ? "received " : "", timeEl(t.iso));
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
  const entries = [];
  for (const a of items) {
    const g = groupOf.get(a.id);
    if (g && g.rep !== a) {
      // A copy from another outlet leaves a marker in its own lane.
      if (outletName(a.source) !== outletName(g.rep.source)) entries.push({ kind: "ghost", a, g });
      continue;
    }
    entries.push({ kind: g ? "group" : "article", a, g });
  }
  for (const e of entries) {
    e.t = +parseTime(articleTime(e.a).iso) || 0;
    e.source = outletName(e.a.source);
  }
  const lanes = new Map();
  for (const e of [...entries].sort((x, y) => x.t - y.t || x.a.arrival - y.a.arrival)) {
    if (!lanes.has(e.source)) lanes.set(e.source, []);
    lanes.get(e.source).push(e);
  }
  // Items less than a minute apart are shown at one time, in rows: a
  // spread over milliseconds of arrival would mean nothing.
  let tmin = Math.min(...entries.map((e) => e.t)), tmax = Math.max(...entries.map((e) => e.t));
  if (!(tmax - tmin >= minSpread)) tmax = tmin;

  const groupCards = new Map();
  for (const e of entries) {
    if (e.kind === "ghost") continue;
    e.el = e.kind === "group" ? groupCard(e, reference, cards) : articleCard(e.a, reference, cards);
    if (e.g) groupCards.set(e.g.id, e.el);
  }
  for (const e of entries) {
    if (e.kind !== "ghost") continue;
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
  const track = h("div", { class: "timeline", role: "list", "aria-label": "Articles by outlet and time" },
    axis, laneEls.map((l) => l.lane));

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
