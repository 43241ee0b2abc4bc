// The site search (site/templates/pages/soeg.html). Reads the words to find from the page's address (?q=…) or
// its form, loads the search index the build wrote (JSON, its address in the form's data-index), and lists the
// pages whose titles and texts, in Danish or English, hold every word, best first: the title before the other
// texts, the page's language before the other. Titles, kinds and links are in the page's language.
// No inline script, no eval, no HTML from data: everything is added as text, under the site's
// Content-Security-Policy (script-src 'self'; connect-src 'self').
"use strict";

(function () {
  const form = document.getElementById("search-form");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const lang = document.documentElement.lang === "en" ? "en" : "da";
  const other = lang === "en" ? "da" : "en";
  const MAX_RESULTS = 100;
  const SNIPPET = 160;
  let entries = null;

  /** Lower case, without accents (å stays one letter: its ring is dropped, so "aa" and "a" do not meet). */
  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, key) => (key in values ? String(values[key]) : ""));
  }

  async function load() {
    if (entries) return entries;
    const response = await fetch(form.dataset.index, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    const doc = await response.json();
    const at = Object.fromEntries(doc.fields.map((name, i) => [name, i]));
    entries = doc.entries.map((row) => {
      const entry = { path: row[at.path], kind: {}, title: {}, text: {}, folded: {} };
      for (const l of ["da", "en"]) {
        entry.kind[l] = row[at[`kind_${l}`]] || "";
        entry.title[l] = row[at[`title_${l}`]] || "";
        entry.text[l] = row[at[`text_${l}`]] || "";
        entry.folded[l] = { title: fold(entry.title[l]), text: fold(entry.text[l]), kind: fold(entry.kind[l]) };
      }
      return entry;
    });
    return entries;
  }

  /** The entry's score for the words (0: some word is missing), and where the first word is in its texts. */
  function score(entry, words) {
    let total = 0;
    for (const word of words) {
      const own = entry.folded[lang];
      const alt = entry.folded[other];
      let best = 0;
      if (own.title.includes(word)) best = own.title.startsWith(word) ? 12 : 10;
      else if (alt.title.includes(word)) best = 8;
      else if (own.text.includes(word)) best = 4;
      else if (alt.text.includes(word)) best = 3;
      else if (own.kind.includes(word) || alt.kind.includes(word)) best = 1;
      if (best === 0) return 0;
      total += best;
    }
    return total;
  }

  /** A short passage of the entry's text around the first word, in the page's language where it is found. */
  function snippet(entry, words) {
    for (const l of [lang, other]) {
      const folded = entry.folded[l].text;
      const at = folded.indexOf(words[0]);
      if (at < 0) continue;
      const text = entry.text[l];
      const start = Math.max(0, at - SNIPPET / 3);
      const cut = text.slice(start, start + SNIPPET);
      return { lang: l, text: (start > 0 ? "… " : "") + cut + (start + SNIPPET < text.length ? " …" : "") };
    }
    return null;
  }

  function show(results, words, query) {
    list.replaceChildren();
    for (const { entry } of results.slice(0, MAX_RESULTS)) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = form.dataset.root + entry.path + (lang === "en" ? "en/" : "");
      const title = entry.title[lang] || entry.title[other];
      link.textContent = title;
      if (!entry.title[lang]) link.lang = other;
      item.append(link);
      if (entry.kind[lang]) {
        const kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = ` · ${entry.kind[lang]}`;
        item.append(kind);
      }
      const passage = snippet(entry, words);
      if (passage) {
        const p = document.createElement("p");
        p.className = "snippet";
        p.textContent = passage.text;
        if (passage.lang !== lang) p.lang = passage.lang;
        item.append(p);
      }
      list.append(item);
    }
    const template = results.length ? form.dataset.count : form.dataset.none;
    status.textContent = say(template, { n: results.length, q: query, shown: Math.min(results.length, MAX_RESULTS) });
  }

  async function run(query) {
    const words = fold(query).split(/[\s,.;:!?"«»()]+/).filter(Boolean);
    if (!words.length) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    try {
      const all = await load();
      const results = [];
      for (const entry of all) {
        const s = score(entry, words);
        if (s > 0) results.push({ entry, score: s });
      }
      // Best score first; between equals, the shorter title (the more of it the words are), then by title.
      const title = (r) => r.entry.title[lang] || r.entry.title[other];
      results.sort(
        (a, b) => b.score - a.score || title(a).length - title(b).length || title(a).localeCompare(title(b), lang),
      );
      show(results, words, query.trim());
    } catch (err) {
      list.replaceChildren();
      status.textContent = `${form.dataset.failed} (${err.message})`;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = input.value;
    const url = new URL(window.location.href);
    url.searchParams.set("q", query);
    window.history.replaceState(null, "", url);
    run(query);
  });

  const initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();
