// The smaller pages: a storyline's stories (#/storyline/ID), search
// results (#/search?q=) and one article (#/article/ID).

import { api } from "./api.js";
import {
  h, route, plural, spanText, timeEl, chips, outletName, label, relationName, pct, safeURL, publishedEl,
} from "./dom.js";
import { storyRow } from "./list.js";
import { fetchLeads, leadOf } from "./leads.js";

export async function renderStoryline(id, ctx) {
  const l = await api("storylines/" + encodeURIComponent(id), {}, ctx);
  const stories = l.items || [];
  const span = spanText(l.first_seen, l.last_seen);
  ctx.title = `Storyline ${l.id}`;
  return h("div", { class: "view storyline-view" },
    h("nav", { class: "crumbs", "aria-label": "Breadcrumbs" },
      h("a", { href: "#/" }, "Stories"), " › ", h("span", {}, "Storyline ", h("code", {}, l.id))),
    h("h1", {}, (l.terms || []).slice(0, 3).join(" · ") || `Storyline ${l.id}`),
    h("p", { class: "dek" },
      "A storyline: the same subject over time. ",
      plural(l.stories, "story", "stories"), " · ", plural(l.articles, "article"),
      span && [" · ", span]),
    (l.terms || []).length > 0 && chips(l.terms.map((t) => h("a", { class: "chip term", href: route("", null, { term: t }) }, t)), "terms"),
    h("h2", {}, "Its stories, in the order they opened"),
    stories.length === 0
      ? h("p", { class: "empty" }, "This storyline holds no story now.")
      : h("ol", { class: "stories numbered" }, stories.map((s, i) => storyRow(s, { index: i + 1 }))),
  );
}

export async function renderSearch(params, ctx) {
  const q = (params.get("q") || "").trim();
  ctx.title = q ? `Search: ${q}` : "Search";
  if (!q) {
    return h("div", { class: "view search-view" }, h("h1", {}, "Search"),
      h("p", { class: "muted" }, "Type words in the search box above: articles whose title or text holds every word (or a form of it: drone, drones) are listed, newest first."));
  }
  const limit = 50;
  const res = await api("search", { q, limit }, ctx);
  const found = res.articles || [];
  const cards = new Map();
  const storyLinks = new Map(); // story id → its links, to put the headline on
  const rows = found.map((a) => {
    const title = h("a", { class: "title" + (a.title ? "" : " untitled"), href: route("article", a.id) }, label(a));
    cards.set(a.id, [title]);
    const storyLink = h("a", { href: route("story", a.story) }, "story ", h("code", {}, a.story));
    if (!storyLinks.has(a.story)) storyLinks.set(a.story, []);
    storyLinks.get(a.story).push(storyLink);
    return h("li", { class: "result", dataset: { id: a.id } },
      title,
      h("p", { class: "meta" },
        h("span", { class: "result-outlet" }, outletName(a.source)), " · ",
        publishedEl(a, false), " · ", h("code", {}, a.id)),
      snippetEl(a.snippet),
      h("p", { class: "meta" }, "In ", storyLink,
        (a.relations || []).map((r) => [" · ", relationName(r.relation), " of ",
          h("a", { href: route("compare", null, { a: a.id, b: r.id }) }, h("code", {}, r.id))])));
  });
  // The headlines of the stories found, one small request each.
  const stories = [...storyLinks.keys()].slice(0, 20);
  Promise.all(stories.map(async (id) => {
    try {
      const s = await api("stories/" + encodeURIComponent(id), { limit: 1 }, ctx);
      for (const link of storyLinks.get(id)) {
        link.replaceChildren("story: ", h("span", { class: "story-headline" }, s.headline || id));
      }
    } catch {
      // The link keeps the story's id.
    }
  }));
  fetchLeads(found, cards, ctx);
  return h("div", { class: "view search-view" },
    h("h1", {}, "Search: ", h("q", {}, q)),
    h("p", { class: "muted" }, found.length === 0
      ? "No article holds every one of these words in its title or text."
      : found.length === limit ? `The newest ${limit} matching articles.` : `${plural(found.length, "article")}, newest first.`),
    h("ol", { class: "results" }, rows));
}

// snippetEl shows a search hit's snippet with its matched words in
// <mark>: the marks are byte offsets into the UTF-8 text.
function snippetEl(sn) {
  if (!sn || !sn.text) return null;
  const bytes = new TextEncoder().encode(sn.text);
  const dec = new TextDecoder();
  const parts = [];
  let at = 0;
  for (const [start, end] of sn.marks || []) {
    if (start < at || end > bytes.length) continue;
    parts.push(dec.decode(bytes.subarray(at, start)), h("mark", {}, dec.decode(bytes.subarray(start, end))));
    at = end;
  }
  parts.push(dec.decode(bytes.subarray(at)));
  return h("p", { class: "snippet" }, ...parts);
}

// reuseList lists article ids (copied by, copied from), each with its
// relation and a link to the comparison.
function reuseList(a, ids, title, cls) {
  const byID = new Map((a.reuse || []).map((r) => [r.id, r]));
  return h("section", { class: "facts " + cls },
    h("h2", {}, title),
    ids.length === 0
      ? h("p", { class: "muted" }, "None found.")
      : h("ul", {}, ids.map((x) => {
        const r = byID.get(x);
        return h("li", { dataset: { id: x } },
          h("a", { href: route("article", x) }, h("code", {}, x)),
          r && h("span", { class: "muted" }, ` · ${relationName(r.relation)} · `,
            cls === "copied-by" ? `${pct(r.coverage_other)} of it from this one · ` : `${pct(r.coverage)} of this one from it · `),
          h("a", { class: "compare", href: route("compare", null, { a: a.id, b: x }) }, "compare"));
      })));
}

export async function renderArticle(id, ctx) {
  const a = await api("articles/" + encodeURIComponent(id), {}, ctx);
  const url = safeURL(a.url);
  const members = a.group_members || [];
  const reuse = a.reuse || [];
  const directed = new Set([...(a.copied_by || []), ...(a.copied_from || [])]);
  const others = reuse.filter((r) => !directed.has(r.id));
  ctx.title = a.title || leadOf(a.text || "") || a.id;
  return h("div", { class: "view article-view" },
    h("nav", { class: "crumbs", "aria-label": "Breadcrumbs" },
      h("a", { href: "#/" }, "Stories"), " › ",
      a.story && [h("a", { href: route("story", a.story) }, "Story"), " › "],
      h("span", {}, "Article")),
    h("p", { class: "kicker" }, outletName(a.source)),
    h("h1", { class: "headline" }, a.title || leadOf(a.text || "") || a.id),
    h("p", { class: "dek" },
      a.published ? "published " : "", publishedEl(a),
      " · received ", timeEl(a.received),
      " · ", h("code", {}, a.id),
      url && [" · ", h("a", { href: url, rel: "noopener noreferrer", target: "_blank" }, "original ↗")]),
    h("p", { class: "dek" },
      a.story && h("a", { href: route("story", a.story) }, "Its story"),
      a.storyline && [" · ", h("a", { href: route("storyline", a.storyline) }, "its storyline")],
      a.dedup === "too_short" && [" · ", h("span", { class: "muted" }, "too short to compare")]),
    (a.relations || []).length > 0 && h("section", { class: "facts" },
      h("h2", {}, "Copies it was found to be"),
      h("ul", {}, a.relations.map((r) => h("li", {},
        relationName(r.relation), " of ", h("a", { href: route("article", r.id) }, h("code", {}, r.id)),
        h("span", { class: "muted" }, ` · Jaccard ${pct(r.jaccard)} · containment ${pct(r.containment)} · `),
        h("a", { href: route("compare", null, { a: a.id, b: r.id }) }, "compare"))))),
    reuseList(a, a.copied_by || [], "Copied by", "copied-by"),
    reuseList(a, a.copied_from || [], "Copied from", "copied-from"),
    others.length > 0 && h("section", { class: "facts other-reuse" },
      h("h2", {}, "Other text reuse"),
      h("ul", {}, others.map((r) => h("li", { dataset: { id: r.id } },
        relationName(r.relation), " with ", h("a", { href: route("article", r.id) }, h("code", {}, r.id)),
        h("span", { class: "muted" }, r.source ? "" : ` · direction unknown${r.note ? ": " + r.note : ""}`,
          ` · ${pct(r.coverage)} of this one, ${pct(r.coverage_other)} of the other · `),
        h("a", { class: "compare", href: route("compare", null, { a: a.id, b: r.id }) }, "compare"))))),
    members.length > 1 && h("section", { class: "facts" },
      h("h2", {}, `Duplicate group of ${members.length}`),
      h("ul", {}, members.map((m, i) => h("li", {},
        h("a", { href: route("article", m) }, h("code", {}, m)),
        i === 0 && h("span", { class: "badge" }, "original"),
        m === a.id ? h("span", { class: "muted" }, " (this one)") : [" · ", h("a", { href: route("compare", null, { a: a.id, b: m }) }, "compare")])))),
    h("section", { class: "article-text" }, h("div", { class: "text" }, a.text || "")),
  );
}

// renderOutlets lists the outlets of the most recent stories (#/outlets,
// ?stories=N): per outlet its articles, the stories it reported first,
// its articles derived from other outlets' and the outlets it takes from
// and that take from it.
export async function renderOutlets(params, ctx) {
  const stories = Number(params.get("stories")) || 1000;
  const res = await api("outlets", { stories }, ctx);
  const outlets = res.outlets || [];
  ctx.title = "Outlets";
  const flows = (list) => list.length === 0
    ? h("span", { class: "muted" }, "none")
    : list.slice(0, 5).map((f, i) => [i > 0 && ", ", outletName(f.outlet), " ", h("span", { class: "count" }, f.articles)]);
  return h("div", { class: "view outlets-view" },
    h("h1", {}, "Outlets"),
    h("p", { class: "dek" },
      "Who takes from whom, over the ", plural(res.stories, "most recent story", "most recent stories"),
      ": an outlet's article derived from another outlet's earlier one (copied, rewritten or partly taken) counts once per source outlet."),
    outlets.length === 0
      ? h("p", { class: "empty" }, "No outlet is named in these stories.")
      : h("table", { class: "outlets" },
        h("thead", {}, h("tr", {},
          ["Outlet", "Articles", "Reported first", "Derived", "Takes from", "Taken from by"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, outlets.map((o) => h("tr", { dataset: { outlet: o.outlet } },
          h("th", { scope: "row" }, h("a", { href: route("", null, { source: o.outlet }) }, outletName(o.outlet))),
          h("td", { class: "num" }, o.articles),
          h("td", { class: "num" }, o.first),
          h("td", { class: "num" }, o.derived),
          h("td", { class: "takes-from" }, flows(o.takes_from || [])),
          h("td", { class: "copied-by" }, flows(o.copied_by || [])))))),
  );
}
