// The compare view (#/compare?a=ID&b=ID): two articles side by side with
// the passages they share highlighted, their relation, and which came
// first. Pointing at a passage lights its counterpart; clicking it brings
// the counterpart into view.
//
// The API gives passages as byte offsets into the UTF-8 text, so each
// text is encoded to bytes, cut at the offsets and each piece decoded;
// the pieces become text nodes (article text is untrusted: no innerHTML).

import { api } from "./api.js";
import { h, route, timeEl, outletName, articleTime, label, relationName, pct, plural, safeURL } from "./dom.js";
import { leadOf } from "./leads.js";

const enc = new TextEncoder();
const dec = new TextDecoder();

// pieces cuts text at the byte ranges [{start, end, p}] and returns
// [{text, ps}] where ps are the indexes p of the ranges covering the
// piece (ranges may overlap; offsets are clamped and moved off the
// middle of a UTF-8 sequence).
export function pieces(text, ranges) {
  const bytes = enc.encode(text);
  const n = bytes.length;
  const snap = (x) => {
    x = Math.max(0, Math.min(n, x | 0));
    while (x < n && (bytes[x] & 0xc0) === 0x80) x++;
    return x;
  };
  const rs = ranges.map((r) => ({ start: snap(r.start), end: snap(r.end), p: r.p })).filter((r) => r.end > r.start);
  const cuts = [...new Set([0, n, ...rs.flatMap((r) => [r.start, r.end])])].sort((x, y) => x - y);
  const out = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const x = cuts[i], y = cuts[i + 1];
    const ps = rs.filter((r) => r.start <= x && r.end >= y).map((r) => r.p);
    out.push({ text: dec.decode(bytes.subarray(x, y)), ps });
  }
  return { out, bytes: n, covered: coverage(rs) };
}

// coverage is the number of bytes the ranges cover together.
function coverage(rs) {
  let total = 0, end = -1;
  for (const r of [...rs].sort((x, y) => x.start - y.start)) {
    if (r.end <= end) continue;
    total += r.end - Math.max(r.start, end);
    end = r.end;
  }
  return total;
}

function textEl(id, text, ranges, marks) {
  const { out, bytes, covered } = pieces(text, ranges);
  const el = h("div", { class: "text", id, tabindex: "0" });
  for (const piece of out) {
    if (piece.ps.length === 0) {
      el.append(piece.text);
      continue;
    }
    const m = h("mark", { dataset: { p: piece.ps.join(" ") }, tabindex: "-1" }, piece.text);
    for (const p of piece.ps) {
      if (!marks[p]) marks[p] = [];
      marks[p].push(m);
    }
    el.append(m);
  }
  return { el, share: bytes ? covered / bytes : 0 };
}

function side(which, a, first) {
  const t = articleTime(a);
  const url = safeURL(a.url);
  return h("header", { class: "side-head" },
    h("div", { class: "side-tags" },
      h("span", { class: "side-letter" }, which),
      a.id === first && h("span", { class: "badge first" }, "first"),
      h("span", { class: "side-outlet" }, outletName(a.source))),
    h("h2", { class: "side-title" }, h("a", { href: route("article", a.id) }, label(a))),
    h("p", { class: "side-meta muted" },
      t.received ? "received " : "published ", timeEl(t.iso),
      " · ", h("code", {}, a.id),
      a.story && [" · ", h("a", { href: route("story", a.story) }, "story")],
      url && [" · ", h("a", { href: url, rel: "noopener noreferrer", target: "_blank" }, "original ↗")]));
}

export async function renderCompare(params, ctx) {
  const aID = params.get("a"), bID = params.get("b");
  if (!aID || !bID) {
    const err = new Error("give two article ids: #/compare?a=ID&b=ID");
    err.status = 400;
    throw err;
  }
  const c = await api("compare", { a: aID, b: bID }, ctx);
  const a = c.a, b = c.b, rel = c.relation || {};
  for (const x of [a, b]) if (!x.title) x.lead = leadOf(x.text || "");
  const passages = c.passages || [];
  const marksA = [], marksB = [];
  const A = textEl("text-a", a.text || "", passages.map((p, i) => ({ start: p.a_start, end: p.a_end, p: i })), marksA);
  const B = textEl("text-b", b.text || "", passages.map((p, i) => ({ start: p.b_start, end: p.b_end, p: i })), marksB);

  // Lighting: the passages under the pointer (or focus) on both sides.
  let lit = [];
  const light = (ps) => {
    for (const m of lit) m.classList.remove("active");
    lit = ps.flatMap((p) => [...(marksA[p] || []), ...(marksB[p] || [])]);
    for (const m of lit) m.classList.add("active");
  };
  const psOf = (m) => m.dataset.p.split(" ").map(Number);
  const scrollTo = (container, m) => {
    if (!m) return;
    if (container.scrollHeight > container.clientHeight + 1) {
      const top = m.getBoundingClientRect().top - container.getBoundingClientRect().top + container.scrollTop;
      container.scrollTo({ top: Math.max(top - container.clientHeight / 3, 0), behavior: "smooth" });
    } else {
      m.scrollIntoView({ block: "center", behavior: "smooth" });
    }
    m.classList.remove("flash");
    void m.offsetWidth; // restart the animation
    m.classList.add("flash");
  };
  let current = -1;
  const counter = h("span", { class: "passage-counter" });
  const show = (i) => {
    if (passages.length === 0) return;
    current = (i + passages.length) % passages.length;
    light([current]);
    scrollTo(A.el, (marksA[current] || [])[0]);
    scrollTo(B.el, (marksB[current] || [])[0]);
    counter.textContent = `passage ${current + 1} of ${passages.length}`;
  };
  for (const [el, otherEl, otherMarks] of [[A.el, B.el, marksB], [B.el, A.el, marksA]]) {
    el.addEventListener("mouseover", (ev) => { if (ev.target.matches("mark")) light(psOf(ev.target)); });
    el.addEventListener("mouseout", (ev) => { if (ev.target.matches("mark")) light(current >= 0 ? [current] : []); });
    el.addEventListener("click", (ev) => {
      if (!ev.target.matches("mark")) return;
      const ps = psOf(ev.target);
      current = ps[0];
      light(ps);
      counter.textContent = `passage ${current + 1} of ${passages.length}`;
      scrollTo(otherEl, (otherMarks[ps[0]] || [])[0]);
    });
  }

  let relText = relationName(rel.relation || "");
  let relNote = "";
  switch (rel.relation) {
    case "contains":
      relText = rel.contains === "other" ? "B contains A" : "A contains B";
      relNote = rel.contains === "other" ? "B reprints A and adds to it." : "A reprints B and adds to it.";
      break;
    case "exact":
      relNote = "The same text once boilerplate is set aside.";
      break;
    case "near_duplicate":
      relNote = "The same article with small edits or other page furniture.";
      break;
    case "":
    case undefined:
      relNote = passages.length ? "Not a copy, but they share the passages marked below." : "They share no passage of note.";
      break;
  }
  const firstSide = c.first === a.id ? "A" : c.first === b.id ? "B" : null;
  const basis = a.published && b.published && a.published !== b.published ? "by publication time" : "by arrival";
  counter.textContent = passages.length ? `${plural(passages.length, "shared passage")}: step through them` : "No shared passages";
  ctx.title = `Compare ${label(a)} / ${label(b)}`;
  return h("div", { class: "view compare-view" },
    h("nav", { class: "crumbs", "aria-label": "Breadcrumbs" },
      h("a", { href: "#/" }, "Stories"), " › ",
      a.story && [h("a", { href: route("story", a.story) }, "Story"), " › "],
      h("span", {}, "Compare")),
    h("section", { class: "relation-panel" },
      h("div", { class: "relation" },
        h("span", { class: "relation-name rel-" + (rel.relation || "none") }, relText),
        relNote && h("span", { class: "relation-note muted" }, relNote)),
      h("dl", { class: "stats" },
        h("div", {}, h("dt", {}, "Jaccard"), h("dd", { title: String(rel.jaccard ?? "") }, pct(rel.jaccard || 0))),
        h("div", {}, h("dt", {}, "Containment"), h("dd", { title: String(rel.containment ?? "") }, pct(rel.containment || 0))),
        h("div", {}, h("dt", {}, "Shared passages"), h("dd", {}, String(passages.length))),
        h("div", {}, h("dt", {}, "Of A / of B"), h("dd", {}, `${pct(A.share)} / ${pct(B.share)}`)),
        h("div", {}, h("dt", {}, "First"), h("dd", { class: "first-is" }, firstSide ? `${firstSide} — ${outletName((firstSide === "A" ? a : b).source)}` : "—",
          h("span", { class: "muted" }, ` ${basis}`)))),
      h("div", { class: "passage-nav" },
        passages.length > 0 && [
          h("button", { type: "button", class: "button", onclick: () => show(current - 1), "aria-label": "previous passage" }, "‹"),
          h("button", { type: "button", class: "button", onclick: () => show(current + 1), "aria-label": "next passage" }, "›")],
        counter,
        h("a", { class: "button swap", href: route("compare", null, { a: b.id, b: a.id }) }, "Swap sides"))),
    h("div", { class: "sides" },
      h("section", { class: "side", id: "side-a" }, side("A", a, c.first), A.el),
      h("section", { class: "side", id: "side-b" }, side("B", b, c.first), B.el)),
  );
}
