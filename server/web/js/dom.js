// DOM building and formatting shared by the views. Article text, titles
// and every other value from the API are untrusted: they only ever reach
// the page as text nodes (textContent), never as markup.

// h creates element tag with props and children. Props: class, text,
// dataset (object), on<event> (listener), any other attribute (null,
// undefined and false leave it out). Children: nodes, strings (as text),
// arrays of either, null/false (skipped).
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

// route builds a hash route: route("story", id) → "#/story/<id>",
// route("compare", null, {a, b}) → "#/compare?a=…&b=…".
export function route(name, id, params) {
  let r = "#/" + (name || "");
  if (id !== undefined && id !== null) r += "/" + encodeURIComponent(id);
  if (params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== null && v !== "") q.set(k, v);
    }
    const s = q.toString();
    if (s) r += "?" + s;
  }
  return r;
}

// safeURL returns u when it is an http(s) URL, else null (an article's
// url is untrusted: no javascript: links).
export function safeURL(u) {
  if (!u) return null;
  try {
    const p = new URL(u);
    return p.protocol === "http:" || p.protocol === "https:" ? p.href : null;
  } catch {
    return null;
  }
}

export function plural(n, one, many = one + "s") {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

// A time at exactly 00:00:00 UTC is a date without a time of day (feeds
// that give only a date): it is shown as that date, in UTC, so that it
// does not move to the day before west of Greenwich.
function dateOnly(d) {
  return d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0;
}

const fmtDate = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const fmtDateUTC = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" });
const fmtDateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function parseTime(s) {
  if (!s) return null;
  const d = new Date(s);
  return isNaN(d) ? null : d;
}

// formatTime formats ISO time s for reading: a date, and the time of day
// when it has one (detail false: the date only).
export function formatTime(s, detail = true) {
  const d = parseTime(s);
  if (!d) return "";
  if (dateOnly(d)) return fmtDateUTC.format(d);
  return detail ? fmtDateTime.format(d) : fmtDate.format(d);
}

// timeEl is a <time> element for ISO time s.
export function timeEl(s, detail = true) {
  return h("time", { datetime: s, title: s }, formatTime(s, detail));
}

// spanText describes the span from first to last (either may be absent).
export function spanText(first, last) {
  const a = formatTime(first, false), b = formatTime(last, false);
  if (!a && !b) return "";
  if (!a || !b || a === b) return a || b;
  return `${a} – ${b}`;
}

// articleTime is when an article appeared: its publication time, else the
// time the engine received it ({iso, received: true}).
export function articleTime(a) {
  if (a.published) return { iso: a.published, received: false };
  return { iso: a.received, received: true };
}

// publishedEl shows an article's publication time, saying when it was
// read from the article's text; an article without one is "undated" (the
// time it was received is only in the tooltip: it is no publication time).
export function publishedEl(a, detail = true) {
  if (!a.published) {
    return h("span", { class: "undated", title: a.received ? `no publication time; received ${formatTime(a.received)}` : "no publication time" }, "undated");
  }
  return h("span", { class: "published" }, timeEl(a.published, detail),
    a.published_from === "text" && h("span", { class: "from-text muted" }, " (read from the text)"));
}

// label is what an article is called on the page: its title, else its
// lead (filled in later), else its id.
export function label(a) {
  return (a.title && a.title.trim()) || a.lead || a.id;
}

const relationNames = {
  exact: "Exact copy",
  near_duplicate: "Near duplicate",
  contains: "Contains",
  rewrite: "Rewrite",
  partial: "Partial rewrite",
  same_story: "Same story",
  none: "No reuse",
  "": "No copy relation",
};

// copyRelations are the reuse relations that copy text (the rest retell
// it or only report the same event).
export const copyRelations = new Set(["exact", "near_duplicate", "contains"]);

export function relationName(r) {
  return r in relationNames ? relationNames[r] : String(r).replace(/_/g, " ");
}

export function pct(x) {
  return `${Math.round(x * 100)}%`;
}

// hue gives a stable colour hue for an outlet name.
export function hue(name) {
  let x = 2166136261;
  for (const ch of name) {
    x ^= ch.codePointAt(0);
    x = Math.imul(x, 16777619);
  }
  return (x >>> 0) % 360;
}

export function outletName(source) {
  return source && source.trim() ? source : "Unknown outlet";
}

// errorBox shows an API error (or any error) on the page, with a retry
// for the ones that may pass (server not ready, no answer).
export function errorBox(err, retry) {
  const status = err && err.status;
  const title = status ? `Error ${status}` : "Error";
  let hint = null;
  if (status === 401) hint = "This server asks for a token to read; the web UI cannot send one.";
  else if (status === 503) hint = "The server is starting or cannot write now; try again in a few seconds.";
  else if (status === 0) hint = "Is the server running?";
  return h("div", { class: "error", role: "alert" },
    h("strong", {}, title), " ", h("span", { class: "error-msg" }, err && err.message ? err.message : String(err)),
    hint && h("p", { class: "error-hint" }, hint),
    h("p", { class: "error-actions" },
      retry && (status === 0 || status === 503 || status >= 500) &&
        h("button", { type: "button", class: "button", onclick: retry }, "Try again"),
      h("a", { href: "#/" }, "Back to the stories")),
  );
}

// chips is a row of small labels.
export function chips(items, cls = "") {
  return h("ul", { class: "chips " + cls }, items.map((c) => h("li", {}, c)));
}
