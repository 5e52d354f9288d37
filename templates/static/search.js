// The search page (/recherche/): the form's words and filters, answered by Pagefind from the
// site's own files (pagefind/, written by the build). No library, no inline code or style: the
// page's Content-Security-Policy allows only files of the site. Every word shown comes from the
// page itself (data-* attributes of the form, result details written at build time), so this
// file speaks no language. Without JavaScript, the page says to browse the catalogue instead.

const PAGE_SIZE = 10;
const form = document.getElementById("search-form");
if (form) {
  start(form);
}

async function start(form) {
  const root = new URL("../", import.meta.url); // this file is static/search.js
  const input = form.querySelector("#search-q");
  const selects = Array.from(form.querySelectorAll("select"));
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-list");
  const more = document.getElementById("search-more");
  const texts = form.dataset;
  let pending = []; // results found but not shown yet
  let ticket = 0; // the latest search; older answers are dropped

  let engine = null; // Pagefind, loaded at the first search or focus: an empty page stays light

  function pagefind() {
    engine ??= (async () => {
      const loaded = await import(new URL("pagefind/pagefind.js", root).href);
      await loaded.options({ excerptLength: 24 });
      // A big registry's index comes in parts (badgegen/search.py: shards): searched as one.
      // Their pages' addresses are from the site's root, like the first part's. Merged all at
      // once: each part costs two round trips (its entry, then its metadata), not one after another.
      const parts = (texts.indexParts || "").split(" ").filter(Boolean);
      await Promise.all(
        parts.map((part) => loaded.mergeIndex(new URL(part, location.href).href, { baseUrl: root.pathname })),
      );
      await loaded.init(); // the index of the page's language (<html lang>)
      return loaded;
    })();
    return engine;
  }

  function warmUp() {
    pagefind().catch(() => {}); // a failure is reported by the search that needs it
  }

  function fill(params) {
    input.value = params.get("q") || "";
    for (const select of selects) {
      const wanted = params.get(select.name) || "";
      const known = Array.from(select.options).some((option) => option.value === wanted);
      select.value = known ? wanted : "";
    }
  }

  // What the form asks, and the same as the address's query string (`q=semis&family=…`).
  function asked() {
    const filters = {};
    const params = new URLSearchParams();
    const query = input.value.trim();
    if (query) params.set("q", query);
    for (const select of selects) {
      if (select.value) {
        filters[select.name] = select.value;
        params.set(select.name, select.value);
      }
    }
    return { query, filters, address: params.toString() };
  }

  function remember() {
    const { address } = asked();
    window.history.replaceState(null, "", address ? `?${address}` : window.location.pathname);
  }

  async function run() {
    const mine = ++ticket;
    const { query, filters, address } = asked();
    status.dataset.search = ""; // set again once this search is answered (the tests wait for it)
    if (!address) {
      pending = [];
      list.replaceChildren();
      more.hidden = true;
      status.textContent = texts.statusAsk;
      return;
    }
    const found = await (await pagefind()).search(query || null, { filters });
    if (mine !== ticket || !found) return;
    pending = found.results;
    const items = await nextItems(mine);
    if (items === null) return;
    list.replaceChildren(...items);
    more.hidden = pending.length === 0;
    // Said once the results are on the page (a screen reader reads this line by itself).
    const count = found.results.length;
    status.textContent =
      count === 0 ? texts.statusNone : count === 1 ? texts.statusOne : texts.statusMany.replace("{count}", count);
    status.dataset.search = address;
  }

  async function showMore() {
    const items = await nextItems(ticket);
    if (items === null) return;
    list.append(...items);
    more.hidden = pending.length === 0;
    if (items.length > 0) items[0].querySelector("a").focus(); // the keyboard goes on from there
  }

  // The next results, as list items; null when a newer search came meanwhile.
  async function nextItems(mine) {
    const next = pending.slice(0, PAGE_SIZE);
    pending = pending.slice(PAGE_SIZE);
    const details = await Promise.all(next.map((result) => result.data()));
    return mine === ticket ? details.map(item) : null;
  }

  function item(data) {
    const meta = data.meta || {};
    const li = element("li", "result");
    if (meta.picture) {
      const picture = element("img");
      picture.src = new URL(meta.picture, root).href;
      picture.alt = "";
      picture.width = 64;
      picture.height = 64;
      li.append(picture);
    }
    const body = element("div", "result-body");
    const title = element("h2", "result-title");
    const link = element("a", null, meta.title || data.url);
    link.href = data.url;
    title.append(link);
    body.append(title);
    const about = element("p", "result-about");
    if (meta.kind) about.append(element("span", "tag", meta.kind), " ");
    if (meta.summary) about.append(meta.summary);
    body.append(about);
    if (data.excerpt) {
      const excerpt = element("p", "result-excerpt");
      excerpt.append(...marked(data.excerpt));
      body.append(excerpt);
    }
    li.append(body);
    return li;
  }

  // Pagefind's excerpt is HTML: only its text and its <mark> (the words found) are kept.
  function marked(html) {
    const holder = document.createElement("template");
    holder.innerHTML = html;
    return Array.from(holder.content.childNodes, (node) =>
      node.nodeName === "MARK" ? element("mark", null, node.textContent) : document.createTextNode(node.textContent),
    );
  }

  function element(name, className, text) {
    const made = document.createElement(name);
    if (className) made.className = className;
    if (text) made.textContent = text;
    return made;
  }

  function failed() {
    document.getElementById("search-error").hidden = false;
    status.textContent = "";
  }

  async function guarded(task) {
    try {
      await task();
    } catch (problem) {
      failed();
      throw problem; // still reported in the console
    }
  }

  let timer = 0;
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    const query = input.value.trim();
    if (query) pagefind().then((loaded) => loaded.preload(query)).catch(() => {});
    timer = window.setTimeout(() => {
      remember();
      guarded(run);
    }, 250);
  });
  function searchNow() {
    window.clearTimeout(timer);
    remember();
    guarded(run);
  }
  for (const select of selects) select.addEventListener("change", searchNow);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    searchNow();
  });
  more.addEventListener("click", () => guarded(showMore));
  for (const field of [input, ...selects]) field.addEventListener("focus", warmUp, { once: true });
  fill(new URLSearchParams(window.location.search));
  await guarded(run);
}
