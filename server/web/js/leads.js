// Leads for untitled articles: the story and search answers carry no
// text, so an article without a title would be shown by its id; its first
// line reads better. Each lead costs one request (GET v1/articles/ID), so
// only the first few are fetched.

import { api } from "./api.js";

const leadsToFetch = 60;

// fetchLeads replaces the ids shown for untitled articles (cards: id →
// the elements showing it) with the first line of their text, four
// requests at a time, while the page is shown.
export async function fetchLeads(items, cards, ctx) {
  const todo = items.filter((a) => !a.title && !a.lead).slice(0, leadsToFetch);
  const worker = async () => {
    while (todo.length > 0 && !ctx.signal.aborted) {
      const a = todo.shift();
      try {
        const full = await api("articles/" + encodeURIComponent(a.id), {}, ctx);
        const lead = leadOf(full.text || "");
        if (!lead) continue;
        a.lead = lead;
        for (const el of cards.get(a.id) || []) {
          el.textContent = lead;
          el.title = a.id;
        }
      } catch {
        // The id stays; the page has the error of what matters.
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

// leadOf is the first substantial line of text, cut to about 140
// characters at a word.
export function leadOf(text) {
  let line = text.split("\n").map((l) => l.trim()).find((l) => l.split(/\s+/).length >= 5) || text.trim();
  // A date line ("date 2023-02-24") and a dateline ("TEHRAN - ") open
  // some texts; the lead is what follows them.
  line = line.replace(/^date \d{4}-\d{2}-\d{2}\s+/i, "").replace(/^[A-Z][A-Z.' ]{1,30}\s[-–—]\s+/, "") || line;
  if (line.length <= 140) return line;
  const cut = line.slice(0, 140);
  const sp = cut.lastIndexOf(" ");
  return (sp > 80 ? cut.slice(0, sp) : cut) + "…";
}
