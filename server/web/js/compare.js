// The compare view (#/compare?a=ID&b=ID): two articles side by side with
// the passages they share highlighted, their relation, and which came
// first. Pointing at a passage lights its counterpart; clicking it brings
// the counterpart into view.
//
// The API gives passages as byte offsets into the UTF-8 text, so each
// text is encoded to bytes, cut at the offsets and each piece decoded;
// the pieces become text nodes (article text is untrusted: no innerHTML).

import { api } from "./api.js";
import { h, route, outletName, label, relationName, pct, plural, safeURL, publishedEl, copyRelations } from "./dom.js";
import { leadOf } from "./leads.js";

const enc = new TextEncoder();
const dec = new TextDecoder();

// pieces cuts text at the byte ranges [{start, end, p}] and returns
// [{text, ps}] where ps are the indexes p of the ranges covering the
// piece (ranges may overlap; offsets are clamped and moved off the
// middle of a UTF-8 sequence).
export function pieces(text, ranges) {
  const bytes = enc.encode(text);
  const rs = clampRanges(bytes, 0, bytes.length, ranges);
  return { out: cut(bytes, 0, bytes.length, rs), bytes: bytes.length, covered: coverage(rs) };
}

// snap clamps byte offset x to [lo, hi] and moves it off the middle of
// a UTF-8 sequence.
function snap(bytes, x, lo, hi) {
  x = Math.max(lo, Math.min(hi, x | 0));
  while (x < hi && (bytes[x] & 0xc0) === 0x80) x++;
  return x;
}

// clampRanges clips the ranges [{start, end, p}] to bytes [lo, hi),
// dropping the empty ones.
function clampRanges(bytes, lo, hi, ranges) {
  return ranges.map((r) => ({ start: snap(bytes, r.start, lo, hi), end: snap(bytes, r.end, lo, hi), p: r.p }))
    .filter((r) => r.end > r.start);
}

// cut returns the pieces [{text, ps}] of bytes [lo, hi) cut at the
// ranges rs (clamped to [lo, hi)): each piece is decoded on its own, so
// the cuts fall exactly at the byte offsets the API gives.
function cut(bytes, lo, hi, rs) {
  lo = snap(bytes, lo, 0, bytes.length);
  hi = snap(bytes, hi, lo, bytes.length);
  const cuts = [...new Set([lo, hi, ...rs.flatMap((r) => [r.start, r.end])])].sort((x, y) => x - y);
  const out = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const x = cuts[i], y = cuts[i + 1];
    const ps = rs.filter((r) => r.start <= x && r.end >= y).map((r) => r.p);
    out.push({ text: dec.decode(bytes.subarray(x, y)), ps });
  }
  return out;
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
  const url = safeURL(a.url);
  return h("header", { class: "side-head" },
    h("div", { class: "side-tags" },
      h("span", { class: "side-letter" }, which),
      a.id === first && h("span", { class: "badge first" }, "first published"),
      h("span", { class: "side-outlet" }, outletName(a.source))),
    h("h2", { class: "side-title" }, h("a", { href: route("article", a.id) }, label(a))),
    h("p", { class: "side-meta muted" },
      a.published ? "published " : "", publishedEl(a),
      " · ", h("code", {}, a.id),
      a.story && [" · ", h("a", { href: route("story", a.story) }, "story")],
      url && [" · ", h("a", { href: url, rel: "noopener noreferrer", target: "_blank" }, "original ↗")]));
}

// miniHead names the side of a full text.
function miniHead(which, a) {
  return h("header", { class: "side-head mini" },
    h("div", { class: "side-tags" }, h("span", { class: "side-letter" }, which), h("span", { class: "side-outlet" }, outletName(a.source)),
      h("span", { class: "muted" }, label(a))));
}

// passageRanges are the verbatim passages as ranges of side "a" or "b".
function passageRanges(passages, which) {
  return passages.map((p, i) => ({ start: p[which + "_start"], end: p[which + "_end"], p: i }));
}

// sentenceEl shows bytes [lo, hi) of a text with the verbatim passages
// inside it marked.
function sentenceEl(bytes, lo, hi, ranges) {
  const el = h("div", { class: "sentence" });
  for (const piece of cut(bytes, lo, hi, clampRanges(bytes, lo, hi, ranges))) {
    el.append(piece.ps.length ? h("mark", { class: "verbatim", dataset: { p: piece.ps.join(" ") } }, piece.text) : piece.text);
  }
  return el;
}

// alignedRows orders the sentence pairs for reading side by side: the
// ordered pairs in text order, each preceded by the sentences of either
// side that no pair holds (against an empty cell), then the moved pairs.
export function alignedRows(reuse) {
  const pairs = reuse.sentences || [];
  const spansA = reuse.spans_a || [], spansB = reuse.spans_b || [];
  const usedA = new Set(), usedB = new Set();
  for (const p of pairs) {
    for (let i = p.a[0]; i < p.a[1]; i++) usedA.add(i);
    for (let j = p.b[0]; j < p.b[1]; j++) usedB.add(j);
  }
  const rows = [];
  let ia = 0, ib = 0;
  const flush = (toA, toB) => {
    for (; ia < toA; ia++) if (!usedA.has(ia) && spansA[ia]) rows.push({ kind: "only", a: spansA[ia] });
    for (; ib < toB; ib++) if (!usedB.has(ib) && spansB[ib]) rows.push({ kind: "only", b: spansB[ib] });
  };
  const ordered = pairs.filter((p) => p.ordered).sort((x, y) => x.a[0] - y.a[0] || x.b[0] - y.b[0]);
  for (const p of ordered) {
    flush(p.a[0], p.b[0]);
    rows.push({ kind: p.kind, pair: p, a: [p.a_start, p.a_end], b: [p.b_start, p.b_end] });
    ia = Math.max(ia, p.a[1]);
    ib = Math.max(ib, p.b[1]);
  }
  flush(spansA.length, spansB.length);
  for (const p of pairs.filter((x) => !x.ordered)) {
    rows.push({ kind: p.kind, pair: p, moved: true, a: [p.a_start, p.a_end], b: [p.b_start, p.b_end] });
  }
  return rows;
}

// The most sentences of one text the engine aligns (match.MaxSentences).
const MAX_ALIGNED = 400;

// alignedNote names the byte ranges of the texts aligned on a window.
function alignedNote(reuse) {
  const parts = [["A", reuse.aligned_a], ["B", reuse.aligned_b]]
    .filter(([, w]) => Array.isArray(w))
    .map(([side, w]) => `${side} bytes ${w[0]}–${w[1]}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

const kindNames = { verbatim: "verbatim", paraphrase: "paraphrase", quote: "quote", only: "" };

// alignedView shows the two texts as aligned sentence pairs.
function alignedView(a, b, reuse, bytesA, bytesB) {
  const passages = reuse.passages || [];
  const ra = passageRanges(passages, "a"), rb = passageRanges(passages, "b");
  const rows = alignedRows(reuse);
  const counts = { verbatim: 0, paraphrase: 0, quote: 0 };
  for (const r of rows) if (r.kind in counts) counts[r.kind]++;
  const cell = (which, bytes, span, ranges) => h("td", { class: "cell-" + which + (span ? "" : " empty") },
    span && sentenceEl(bytes, span[0], span[1], ranges));
  return h("section", { class: "aligned-section" },
    h("h2", {}, "Sentence by sentence"),
    h("p", { class: "muted legend" },
      `${plural(counts.verbatim + counts.paraphrase + counts.quote, "aligned pair")}: `,
      `${counts.verbatim} verbatim, ${counts.paraphrase} paraphrased, ${counts.quote} shared quotations; `,
      "verbatim passages are marked. Sentences only one side has stand against an empty cell; pairs found out of order follow, marked moved.",
      reuse.truncated ? ` A long text was aligned on the ${MAX_ALIGNED} sentences of it that share the most with the other${alignedNote(reuse)}.` : ""),
    h("div", { class: "table-wrap" }, h("table", { class: "aligned" },
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, "A · ", outletName(a.source)),
        h("th", { scope: "col", class: "kind-col" }, ""),
        h("th", { scope: "col" }, "B · ", outletName(b.source)))),
      h("tbody", {}, rows.map((r) => h("tr", {
        class: "row kind-" + r.kind + (r.moved ? " moved" : ""),
        dataset: { kind: r.kind === "only" ? "" : r.kind, moved: r.moved ? "true" : null },
      },
      cell("a", bytesA, r.a, ra),
      h("td", { class: "kind" }, r.kind !== "only" && h("span", { class: "badge kind-" + r.kind }, kindNames[r.kind] || r.kind),
        r.moved && h("span", { class: "badge moved-badge" }, "moved")),
      cell("b", bytesB, r.b, rb)))))));
}

// outside returns the sentences of one side that lie mostly outside the
// verbatim passages (what the other side does not have word for word).
function outside(bytes, spans, ranges) {
  const rs = clampRanges(bytes, 0, bytes.length, ranges);
  const out = [];
  for (const [lo, hi] of spans) {
    let inside = 0;
    for (const r of rs) inside += Math.max(0, Math.min(hi, r.end) - Math.max(lo, r.start));
    if (hi > lo && inside < (hi - lo) / 2) out.push(dec.decode(bytes.subarray(snap(bytes, lo, 0, bytes.length), snap(bytes, hi, 0, bytes.length))));
  }
  return out;
}

// diffView shows what differs between two copies: the sentences of each
// side outside the verbatim passages, and how much is shared.
function diffView(a, b, reuse, bytesA, bytesB) {
  const passages = reuse.passages || [];
  const onlyA = outside(bytesA, reuse.spans_a || [], passageRanges(passages, "a"));
  const onlyB = outside(bytesB, reuse.spans_b || [], passageRanges(passages, "b"));
  const list = (which, x, items) => h("div", { class: "only-side" },
    h("h3", {}, `Only in ${which} · ${outletName(x.source)}`),
    items.length === 0
      ? h("p", { class: "muted" }, "Nothing: every sentence is shared.")
      : h("ul", { class: "only only-" + which.toLowerCase() }, items.map((t) => h("li", {}, t))));
  const shared = Math.round(((reuse.verbatim_a || 0) + (reuse.verbatim_b || 0)) * 50);
  return h("section", { class: "diff-section" },
    h("h2", {}, "What differs"),
    h("p", { class: "shared-count" },
      h("b", {}, `${shared}% shared`), " ",
      h("span", { class: "muted" }, `(${pct(reuse.verbatim_a || 0)} of A and ${pct(reuse.verbatim_b || 0)} of B in ${plural(passages.length, "verbatim passage")}); only the rest is listed.`)),
    h("div", { class: "diff" }, list("A", a, onlyA), list("B", b, onlyB)));
}

// sourceLine says which article is the source, or why that is unknown.
function sourceLine(a, b, reuse) {
  if (reuse.source) {
    const which = reuse.source === a.id ? "A" : "B";
    const x = which === "A" ? a : b;
    const basis = reuse.direction === "attribution" ? "the other text names its outlet" : "published earlier";
    return h("p", { class: "source-line" }, "Source: ", h("b", {}, `${which} — ${outletName(x.source)}`), h("span", { class: "muted" }, ` (${basis})`));
  }
  if (reuse.note) return h("p", { class: "source-line" }, h("b", {}, "direction unknown: "), reuse.note);
  return null;
}

export async function renderCompare(params, ctx) {
  const aID = params.get("a"), bID = params.get("b");
  if (!aID || !bID) {
    const err = new Error("give two article ids: #/compare?a=ID&b=ID");
    err.status = 400;
    throw err;
  }
  const c = await api("compare", { a: aID, b: bID }, ctx);
  const a = c.a, b = c.b, rel = c.relation || {}, reuse = c.reuse || {};
  for (const x of [a, b]) if (!x.title) x.lead = leadOf(x.text || "");
  const passages = c.passages || [];
  const marksA = [], marksB = [];
  const A = textEl("text-a", a.text || "", passages.map((p, i) => ({ start: p.a_start, end: p.a_end, p: i })), marksA);
  const B = textEl("text-b", b.text || "", passages.map((p, i) => ({ start: p.b_start, end: p.b_end, p: i })), marksB);
  const relation = reuse.relation || "none";
  const copy = copyRelations.has(relation);
  const bytesA = enc.encode(a.text || ""), bytesB = enc.encode(b.text || "");
  const detail = copy ? diffView(a, b, reuse, bytesA, bytesB) : alignedView(a, b, reuse, bytesA, bytesB);

  // The full texts: open for copies (their passages are the evidence),
  // folded under the aligned sentences otherwise.
  const sides = h("div", { class: "sides" },
    h("section", { class: "side", id: "side-a" }, miniHead("A", a), A.el),
    h("section", { class: "side", id: "side-b" }, miniHead("B", b), B.el));
  const texts = copy ? sides : h("details", { class: "full-texts" }, h("summary", {}, "Both texts in full, shared passages marked"), sides);

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
    if (texts.tagName === "DETAILS") texts.open = true;
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

  let relText = relationName(relation);
  let relNote = "";
  switch (relation) {
    case "contains":
      relText = reuse.container === b.id ? "B contains A" : "A contains B";
      relNote = reuse.container === b.id ? "B reprints A and adds to it." : "A reprints B and adds to it.";
      break;
    case "exact":
      relNote = "The same text once boilerplate is set aside.";
      break;
    case "near_duplicate":
      relNote = "The same article with small edits or other page furniture.";
      break;
    case "rewrite":
      relNote = "One retells the other in other words.";
      break;
    case "partial":
      relNote = "Part of one is retold in the other.";
      break;
    case "same_story":
      relNote = "Independent reports of the same event.";
      break;
    default:
      relNote = passages.length ? "Not a copy, but they share the passages marked below." : "They share no passage of note.";
  }
  const firstSide = c.first === a.id ? "A" : c.first === b.id ? "B" : null;
  counter.textContent = passages.length ? `${plural(passages.length, "shared passage")}: step through them` : "No shared passages";
  ctx.title = `Compare ${label(a)} / ${label(b)}`;
  return h("div", { class: "view compare-view", dataset: { relation } },
    h("nav", { class: "crumbs", "aria-label": "Breadcrumbs" },
      h("a", { href: "#/" }, "Stories"), " › ",
      a.story && [h("a", { href: route("story", a.story) }, "Story"), " › "],
      h("span", {}, "Compare")),
    h("section", { class: "relation-panel" },
      h("div", { class: "relation" },
        h("span", { class: "relation-name rel-" + relation }, relText),
        relNote && h("span", { class: "relation-note muted" }, relNote),
        sourceLine(a, b, reuse)),
      h("dl", { class: "stats" },
        h("div", {}, h("dt", {}, "Coverage A / B"), h("dd", { class: "coverage", title: `${reuse.coverage_a} / ${reuse.coverage_b}` }, `${pct(reuse.coverage_a || 0)} / ${pct(reuse.coverage_b || 0)}`)),
        h("div", {}, h("dt", {}, "Similarity"), h("dd", { class: "similarity", title: String(reuse.similarity ?? "") }, pct(reuse.similarity || 0))),
        h("div", {}, h("dt", {}, "Verbatim A / B"), h("dd", {}, `${pct(reuse.verbatim_a || 0)} / ${pct(reuse.verbatim_b || 0)}`)),
        h("div", {}, h("dt", {}, "Jaccard"), h("dd", { title: `${relationName(rel.relation || "")}; containment ${rel.containment ?? ""}` }, pct(rel.jaccard || 0))),
        h("div", {}, h("dt", {}, "First published"), h("dd", { class: "first-is" }, firstSide ? `${firstSide} — ${outletName((firstSide === "A" ? a : b).source)}` : "unknown",
          h("span", { class: "muted" }, firstSide ? " by publication time" : " (a publication time is missing)")))),
      h("div", { class: "passage-nav" },
        passages.length > 0 && [
          h("button", { type: "button", class: "button", onclick: () => show(current - 1), "aria-label": "previous passage" }, "‹"),
          h("button", { type: "button", class: "button", onclick: () => show(current + 1), "aria-label": "next passage" }, "›")],
        counter,
        h("a", { class: "button swap", href: route("compare", null, { a: b.id, b: a.id }) }, "Swap sides"))),
    h("div", { class: "side-heads" }, side("A", a, c.first), side("B", b, c.first)),
    detail,
    texts,
  );
}
