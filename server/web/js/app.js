// reprint's web UI: one page, routed by the URL fragment, reading the
// JSON API under v1/. No build step: these ES modules are served as they
// are, embedded in the binary.
//
// Routes: #/ (stories; ?sort=size&source=&term=&from=&to=), #/story/ID,
// #/storyline/ID, #/compare?a=ID&b=ID, #/search?q=, #/article/ID,
// #/outlets (?stories=N).
//
// Each route renders into <main> once its data has come; meanwhile main
// is aria-busy. When it is done, main's data-route is the route it shows
// (tests and scripts wait for that). An error of the API is shown where
// the page would be.

import { errorBox, h } from "./dom.js";
import { renderList } from "./list.js";
import { renderStory } from "./story.js";
import { renderCompare } from "./compare.js";
import { renderStoryline, renderSearch, renderArticle, renderOutlets } from "./pages.js";

const main = document.getElementById("app");
const searchForm = document.getElementById("search");
const searchBox = searchForm.elements.q;

const routes = [
  [/^\/$/, (m, params, ctx) => renderList(params, ctx)],
  [/^\/story\/(.+)$/, (m, params, ctx) => renderStory(decodeURIComponent(m[1]), ctx)],
  [/^\/storyline\/(.+)$/, (m, params, ctx) => renderStoryline(decodeURIComponent(m[1]), ctx)],
  [/^\/article\/(.+)$/, (m, params, ctx) => renderArticle(decodeURIComponent(m[1]), ctx)],
  [/^\/compare$/, (m, params, ctx) => renderCompare(params, ctx)],
  [/^\/search$/, (m, params, ctx) => renderSearch(params, ctx)],
  [/^\/outlets$/, (m, params, ctx) => renderOutlets(params, ctx)],
];

let current = null; // the render in progress or shown: {controller}

async function render() {
  const hash = location.hash || "#/";
  const raw = hash.slice(1) || "/";
  const q = raw.indexOf("?");
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? "" : raw.slice(q + 1));

  if (current) current.controller.abort();
  const controller = new AbortController();
  const ctx = { signal: controller.signal, title: "" };
  current = { controller };

  searchBox.value = path === "/search" ? params.get("q") || "" : "";
  for (const a of document.querySelectorAll(".top nav a")) {
    a.toggleAttribute("aria-current", a.getAttribute("href") === "#/" && path === "/");
  }
  main.setAttribute("aria-busy", "true");
  delete main.dataset.route;
  const slow = setTimeout(() => {
    if (!ctx.signal.aborted) main.replaceChildren(h("p", { class: "loading muted" }, "Loading…"));
  }, 150);

  let node;
  try {
    const found = routes.find(([re]) => re.test(path));
    if (!found) {
      const err = new Error(`no page at ${hash}`);
      err.status = 404;
      throw err;
    }
    node = await found[1](path.match(found[0]), params, ctx);
  } catch (err) {
    if (ctx.signal.aborted) return;
    node = h("div", { class: "view" }, errorBox(err, render));
    ctx.title = err.status ? `Error ${err.status}` : "Error";
  } finally {
    clearTimeout(slow);
  }
  if (ctx.signal.aborted) return;
  main.replaceChildren(node);
  main.dataset.route = hash;
  main.setAttribute("aria-busy", "false");
  document.title = ctx.title ? `${ctx.title} — reprint` : "reprint";
  window.scrollTo(0, 0);
}

searchForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const q = searchBox.value.trim();
  if (q) location.hash = "#/search?" + new URLSearchParams({ q });
});

// "/" focuses the search box, as on most sites.
document.addEventListener("keydown", (ev) => {
  if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const t = ev.target;
  if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t.isContentEditable) return;
  ev.preventDefault();
  searchBox.focus();
  searchBox.select();
});

// The skip link moves focus to the page without touching the route.
document.querySelector(".skip").addEventListener("click", (ev) => {
  ev.preventDefault();
  main.focus();
});

// Sticky parts of pages (the timeline's axis) sit below the header.
const header = document.querySelector(".top");
const headerHeight = () => document.documentElement.style.setProperty("--header-h", `${header.offsetHeight}px`);
new ResizeObserver(headerHeight).observe(header);

window.addEventListener("hashchange", render);
render();
