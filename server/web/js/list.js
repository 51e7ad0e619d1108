// The story list (#/?sort=&source=&term=&from=&to=) and the story row it
// shares with the storyline page.

import { api } from "./api.js";
import { h, route, plural, spanText, timeEl, chips, outletName, hue, errorBox } from "./dom.js";

const pageSize = 25;

// storyRow is one story in a list: headline, size, outlets, span, terms.
// Outlet and term chips link to the list filtered by them.
export function storyRow(s, { index } = {}) {
  const span = spanText(s.first_seen, s.last_seen);
  const outlets = (s.sources || []).map((c) =>
    h("a", { class: "chip outlet", href: route("", null, { source: c.source }), title: `Stories with ${outletName(c.source)}` },
      h("span", { class: "swatch", "aria-hidden": "true" }, ""), outletName(c.source),
      h("span", { class: "n" }, String(c.articles))));
  for (const [i, c] of (s.sources || []).entries()) outlets[i].style.setProperty("--hue", hue(outletName(c.source)));
  return h("li", { class: "story-row", dataset: { id: s.id } },
    index !== undefined && h("div", { class: "index", "aria-hidden": "true" }, String(index)),
    h("div", { class: "count", title: plural(s.articles, "article") },
      h("b", {}, s.articles.toLocaleString()), h("span", {}, s.articles === 1 ? "article" : "articles")),
    h("div", { class: "row-main" },
      h("a", { class: "headline", href: route("story", s.id) }, s.headline || s.id),
      h("p", { class: "meta" },
        span ? h("span", { class: "span" }, span) : h("span", { class: "span muted" }, "no publication dates"),
        " · ", (s.sources || []).length ? plural(s.sources.length, "outlet") : "outlet unknown",
        " · updated ", timeEl(s.updated),
        (s.copies > 0 || s.rewrites > 0) && [" · ", h("span", { class: "reuse-counts", title: "its articles that copy or rewrite another article of the story" },
          [s.copies > 0 && plural(s.copies, "copy", "copies"), s.rewrites > 0 && plural(s.rewrites, "rewrite")].filter(Boolean).join(", "))]),
      outlets.length > 0 && chips(outlets, "outlets"),
      (s.terms || []).length > 0 && chips(s.terms.map((t) =>
        h("a", { class: "chip term", href: route("", null, { term: t }) }, t)), "terms"),
    ),
  );
}

// renderList renders the story list for the route's params.
export async function renderList(params, ctx) {
  const q = {
    sort: params.get("sort") === "size" ? "size" : "recent",
    source: params.get("source") || "",
    term: params.get("term") || "",
    from: params.get("from") || "",
    to: params.get("to") || "",
  };
  // The page size (limit) can be given in the route: #/?limit=100.
  const n = parseInt(params.get("limit"), 10);
  const limit = n >= 1 && n <= 500 ? n : pageSize;
  if (limit !== pageSize) q.limit = limit;
  const go = (changes) => { location.hash = route("", null, { ...q, sort: q.sort === "recent" ? "" : q.sort, ...changes }); };
  const first = await api("stories", { ...q, limit }, ctx);

  const sorter = h("div", { class: "segmented", role: "group", "aria-label": "Order" },
    [["recent", "Newest"], ["size", "Largest"]].map(([v, name]) =>
      h("button", {
        type: "button", class: "seg", dataset: { sort: v }, "aria-pressed": String(q.sort === v),
        onclick: () => go({ sort: v === "recent" ? "" : v }),
      }, name)));

  const outlets = h("datalist", { id: "outlet-names" });
  const field = (name, labelText, attrs = {}) =>
    h("label", { class: "field" }, h("span", {}, labelText), h("input", { name, value: q[name], ...attrs }));
  const filters = h("form", {
    class: "filters", role: "search", "aria-label": "Filter stories",
    onsubmit: (ev) => {
      ev.preventDefault();
      const f = new FormData(ev.target);
      go({ source: f.get("source").trim(), term: f.get("term").trim(), from: f.get("from"), to: f.get("to") });
    },
  },
  field("source", "Outlet", { list: "outlet-names", placeholder: "any outlet", autocomplete: "off" }),
  field("term", "Term", { placeholder: "any word", autocomplete: "off" }),
  field("from", "From", { type: "date" }),
  field("to", "To", { type: "date" }),
  h("div", { class: "filter-buttons" },
    h("button", { type: "submit", class: "button primary" }, "Filter"),
    (q.source || q.term || q.from || q.to) &&
      h("a", { class: "button", href: route("", null, { sort: q.sort === "recent" ? "" : q.sort }) }, "Clear")),
  outlets);

  const list = h("ol", { class: "stories" });
  const status = h("p", { class: "list-status muted", "aria-live": "polite" });
  const more = h("button", { type: "button", class: "button more" }, "More stories");
  const moreError = h("div");
  const seen = new Set();
  let shown = 0, next = "";
  const add = (page) => {
    for (const s of page.stories) {
      list.append(storyRow(s));
      for (const c of s.sources || []) {
        if (c.source && !seen.has(c.source)) {
          seen.add(c.source);
          outlets.append(h("option", { value: c.source }));
        }
      }
    }
    shown += page.stories.length;
    next = page.next || "";
    more.hidden = !next;
    status.textContent = shown === 0 ? "" : `${plural(shown, "story", "stories")}${next ? " shown" : ""}`;
  };
  more.addEventListener("click", async () => {
    more.disabled = true;
    more.textContent = "Loading…";
    try {
      add(await api("stories", { ...q, limit, cursor: next }, ctx));
      moreError.replaceChildren();
    } catch (err) {
      if (err.name !== "AbortError") moreError.replaceChildren(errorBox(err));
    } finally {
      more.disabled = false;
      more.textContent = "More stories";
    }
  });
  add(first);

  const active = [];
  if (q.source) active.push(["outlet", q.source, { source: "" }]);
  if (q.term) active.push(["term", q.term, { term: "" }]);
  if (q.from) active.push(["from", q.from, { from: "" }]);
  if (q.to) active.push(["to", q.to, { to: "" }]);

  let empty = null;
  if (shown === 0) {
    empty = active.length > 0
      ? h("p", { class: "empty" }, "No story matches these filters.")
      : h("div", { class: "empty" },
        h("p", {}, "No stories yet."),
        h("p", { class: "muted" }, "Post articles to ", h("code", {}, "POST /v1/articles"),
          " (one JSON article, or JSON lines) and they appear here, grouped into stories."));
  }
  ctx.title = "Stories";
  return h("div", { class: "view list-view" },
    h("div", { class: "list-head" },
      h("h1", {}, "Stories"),
      sorter),
    filters,
    active.length > 0 && h("p", { class: "active-filters" }, "Showing stories with ",
      active.map(([kind, v, clear], i) => [i > 0 && ", ",
        h("span", { class: "pill" }, `${kind} `, h("b", {}, v), " ",
          h("a", { href: route("", null, { ...q, sort: q.sort === "recent" ? "" : q.sort, ...clear }), "aria-label": `remove the ${kind} filter`, title: "Remove" }, "×"))])),
    empty,
    list,
    h("div", { class: "list-foot" }, status, more, moreError),
  );
}
