/* verifier.js: check an Open Badges 2.0 badge in the browser (the /verifier/ page).
 *
 * 1. Read the assertion baked into a badge picture: a PNG text chunk (iTXt, tEXt or
 *    zTXt, keyword "openbadges"), or the <openbadges:assertion> element of an SVG.
 *    Or take the assertion address the visitor pasted.
 * 2. When the assertion's address (its "id") belongs to this registry, fetch the hosted
 *    copy from this very site, then its badge class and issuer. Nothing is ever fetched
 *    from another site: a badge issued elsewhere is only described.
 * 3. Say in plain words whether it is valid, expired, revoked or invalid (the picture
 *    differs from the published badge, or no such badge is published).
 * 4. Optionally compare an e-mail address with the badge's hashed identity
 *    (SHA-256 of the address and the salt), in the browser: the address is never sent.
 *
 * No framework, no third-party code. The settings and words come from the page's JSON
 * data block, in the page's language. What a badge holds is untrusted: it is always
 * written with textContent, never as HTML.
 */
"use strict";

(function () {
  const dataBlock = document.getElementById("verifier-data");
  if (!dataBlock) return;
  const config = JSON.parse(dataBlock.textContent);
  const words = config.words;
  const siteRoot = new URL(config.root, document.baseURI);
  const pagesRoot = new URL(config.pages, document.baseURI);
  const OB_NAMESPACE = "http://openbadges.org";
  const MAX_BYTES = 5 * 1024 * 1024; // a badge picture is small; refuse anything huge
  // Paths of this registry's documents (relative to its base address), and of its award pages.
  const DOCUMENT_PATH = /^(?:[a-z]{2}\/)?(assertions|badges|issuers)\/([a-z0-9-]{2,64})\.json$/;
  // What else a visitor may paste: an award page, or a baked picture's address.
  const ASSERTION_ELSE = /^(?:[a-z]{2}\/)?assertions\/([a-z0-9-]{2,64})(?:\/(?:index\.html)?|\.png|\.svg)$/;

  const tool = document.getElementById("outil");
  const dropZone = document.getElementById("depot");
  const fileInput = document.getElementById("fichier-badge");
  const urlForm = document.getElementById("form-adresse");
  const urlInput = document.getElementById("adresse-badge");
  const emailForm = document.getElementById("form-email");
  const emailInput = document.getElementById("email-personne");
  const resultRegion = document.getElementById("resultat");
  const emailRegion = document.getElementById("resultat-email");
  const icons = document.getElementById("verifier-icons");

  /** The last result shown: the e-mail check compares with its recipient. */
  let current = null;

  /** A failed check, with the status to show ("invalid", "none", "error"…) and its sentence. */
  class VerifyError extends Error {
    constructor(status, text) {
      super(text);
      this.status = status;
    }
  }

  // --- Words ------------------------------------------------------------------------------

  /** A word of the page, with its {fields} filled in (one pass: values are never re-read). */
  function say(key, fields) {
    const text = words[key] || key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (fields && name in fields ? String(fields[name]) : whole));
  }

  /** A date as the pages write it: « 14 mars 2026 », “14 March 2026”, in the registry's time zone. */
  function formatDate(value) {
    const moment = new Date(value);
    if (Number.isNaN(moment.getTime())) return String(value);
    const parts = new Intl.DateTimeFormat(config.lang === "fr" ? "fr-FR" : "en-GB", {
      day: "numeric",
      month: "long",
      year: "numeric",
      timeZone: config.timezone,
    }).formatToParts(moment);
    return parts
      .map((part) => (config.lang === "fr" && part.type === "day" && part.value === "1" ? "1er" : part.value))
      .join("");
  }

  // --- Reading a badge picture -------------------------------------------------------------

  /** Inflate zlib data (PNG's compressed text) with the browser's own DecompressionStream. */
  async function inflate(bytes) {
    if (typeof DecompressionStream !== "function") throw new VerifyError("error", say("no_inflate"));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  function isPng(bytes) {
    const signature = [137, 80, 78, 71, 13, 10, 26, 10];
    return bytes.length > 8 && signature.every((byte, i) => bytes[i] === byte);
  }

  /** The text of a PNG's "openbadges" chunk, or null. Chunks: length, type, data, CRC. */
  async function readPng(bytes) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const latin1 = new TextDecoder("latin1");
    let offset = 8; // after the signature
    while (offset + 8 <= bytes.length) {
      const length = view.getUint32(offset);
      const type = latin1.decode(bytes.subarray(offset + 4, offset + 8));
      const start = offset + 8;
      const end = start + length;
      if (end > bytes.length || type === "IEND") break;
      if (type === "iTXt" || type === "tEXt" || type === "zTXt") {
        const data = bytes.subarray(start, end);
        const nul = data.indexOf(0);
        if (nul > 0 && latin1.decode(data.subarray(0, nul)) === "openbadges") {
          return textOfChunk(type, data.subarray(nul + 1));
        }
      }
      offset = end + 4; // skip the CRC
    }
    return null;
  }

  /** The text after a chunk's keyword: tEXt is Latin-1, zTXt compressed Latin-1, iTXt UTF-8. */
  async function textOfChunk(type, rest) {
    const latin1 = new TextDecoder("latin1");
    if (type === "tEXt") return latin1.decode(rest);
    if (type === "zTXt") return latin1.decode(await inflate(rest.subarray(1))); // rest[0]: method
    // iTXt: compression flag, compression method, language tag NUL, translated keyword NUL, text.
    const compressed = rest[0] === 1;
    const afterLanguage = rest.indexOf(0, 2) + 1;
    const afterKeyword = afterLanguage > 0 ? rest.indexOf(0, afterLanguage) + 1 : 0;
    if (afterKeyword === 0) throw new VerifyError("invalid", say("unreadable"));
    const body = rest.subarray(afterKeyword);
    return new TextDecoder("utf-8").decode(compressed ? await inflate(body) : body);
  }

  /** The <openbadges:assertion> of an SVG: its JSON text, and its `verify` address. */
  function readSvg(text) {
    const svg = new DOMParser().parseFromString(text, "image/svg+xml");
    if (svg.getElementsByTagName("parsererror").length > 0) return null;
    const element = svg.getElementsByTagNameNS(OB_NAMESPACE, "assertion")[0];
    if (!element) return null;
    return { text: element.textContent.trim(), verify: element.getAttribute("verify") };
  }

  /** What a baked text holds: an assertion (JSON), a signed one (JWS), or only its address. */
  function interpret(text) {
    const trimmed = (text || "").trim();
    try {
      if (trimmed.startsWith("{")) return { assertion: JSON.parse(trimmed) };
      if (/^[\w-]+\.[\w-]+\.[\w-]*$/.test(trimmed)) {
        const payload = trimmed.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
        const json = new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0)));
        return { assertion: JSON.parse(json) };
      }
    } catch (error) {
      throw new VerifyError("invalid", say("unreadable"));
    }
    if (/^https?:\/\//i.test(trimmed)) return { url: trimmed };
    return null;
  }

  /** The badge held by a picture (File), ready for `check`. */
  async function readFile(file) {
    if (file.size > MAX_BYTES) throw new VerifyError("none", say("too_big"));
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (isPng(bytes)) {
      const found = interpret(await readPng(bytes));
      if (!found) throw new VerifyError("none", say("none"));
      return found;
    }
    const text = new TextDecoder("utf-8").decode(bytes);
    if (!/<svg[\s>]/.test(text)) throw new VerifyError("none", say("not_image"));
    const baked = readSvg(text);
    const found = baked ? interpret(baked.text || baked.verify) : null;
    if (!found) throw new VerifyError("none", say("none"));
    found.verify = baked.verify;
    return found;
  }

  // --- Checking against this registry ------------------------------------------------------

  /** The path of an address of this registry (relative to its base), or null for another site. */
  function registryPath(address) {
    return typeof address === "string" && address.startsWith(config.base) ? address.slice(config.base.length) : null;
  }

  /** Where a document of this registry is served from this very site (never another origin). */
  function localUrl(address) {
    const path = registryPath(address);
    if (path === null || !DOCUMENT_PATH.test(path)) return null;
    const url = new URL(path, siteRoot);
    return url.origin === location.origin ? url : null;
  }

  /** This registry's page for one of its documents (badges/x.json → badges/x/), in the page's language. */
  function pageOf(address) {
    const match = DOCUMENT_PATH.exec(registryPath(address) || "");
    return match ? new URL(match[1] + "/" + match[2] + "/", pagesRoot).href : null;
  }

  /** A JSON document of this registry; a 404 becomes `notFound`. */
  async function fetchDocument(address) {
    const url = localUrl(address);
    if (!url) throw new VerifyError("invalid", say("incomplete"));
    let response;
    try {
      response = await fetch(url, { cache: "no-cache", credentials: "same-origin", redirect: "error" });
    } catch (error) {
      throw new VerifyError("error", say("error"));
    }
    if (response.status === 404) return { notFound: true };
    if (!response.ok) throw new VerifyError("error", say("error"));
    try {
      return { document: await response.json() };
    } catch (error) {
      throw new VerifyError("invalid", say("unreadable"));
    }
  }

  const idOf = (value) => (value && typeof value === "object" ? value.id : value);
  const sameText = (a, b) => String(a || "").toLowerCase() === String(b || "").toLowerCase();
  const sameDate = (a, b) => (a ? Date.parse(a) : null) === (b ? Date.parse(b) : null);

  /** What differs in a way that matters between the picture's assertion and the published one. */
  function differences(embedded, hosted, verify) {
    const found = [];
    if (embedded.id !== hosted.id || (verify && verify !== hosted.id)) found.push(say("diff.id"));
    if (idOf(embedded.badge) !== idOf(hosted.badge)) found.push(say("diff.badge"));
    const a = embedded.recipient || {};
    const b = hosted.recipient || {};
    if (!sameText(a.identity, b.identity) || (a.salt || "") !== (b.salt || "")) found.push(say("diff.recipient"));
    return found;
  }

  /** The badge class in the page's language: its translation when one is published here. */
  async function badgeClass(address) {
    const found = await fetchDocument(address);
    if (!found.document) throw new VerifyError("invalid", say("incomplete"));
    const related = [].concat(found.document.related || []);
    const translation = related.find((item) => item && item["@language"] === config.lang && localUrl(item.id));
    if (found.document["@language"] !== config.lang && translation) {
      const translated = await fetchDocument(translation.id);
      if (translated.document) return { ...translated.document, id: found.document.id };
    }
    return found.document;
  }

  /** The host an address names, for "issued elsewhere". */
  function hostOf(...addresses) {
    for (const address of addresses) {
      try {
        const url = new URL(idOf(address));
        if (url.protocol === "https:" || url.protocol === "http:") return url.host;
      } catch (error) {
        // not an address: try the next one
      }
    }
    return say("unknown_host");
  }

  /** Check a badge read from a picture or an address; returns what to show. */
  async function check(found) {
    const embedded = found.assertion || null;
    if (embedded && typeof embedded.id !== "string") throw new VerifyError("invalid", say("unreadable"));
    const address = embedded ? embedded.id : found.url;
    const path = registryPath(address);
    if (path === null) {
      const issuer = embedded && embedded.badge && typeof embedded.badge === "object" ? embedded.badge.issuer : null;
      return {
        status: "elsewhere",
        host: hostOf(address, found.verify, embedded && embedded.badge, issuer),
        recipient: embedded && embedded.recipient,
      };
    }
    const pageMatch = ASSERTION_ELSE.exec(path);
    const assertionAddress = pageMatch && !embedded ? config.base + "assertions/" + pageMatch[1] + ".json" : address;
    const match = DOCUMENT_PATH.exec(registryPath(assertionAddress));
    if (!match || match[1] !== "assertions") throw new VerifyError("invalid", say("not_assertion"));
    const page = pageOf(assertionAddress);

    const answer = await fetchDocument(assertionAddress);
    if (answer.notFound) return { status: "invalid", lines: [say("missing")] };
    const hosted = answer.document;
    if (!hosted || hosted.id !== assertionAddress) {
      return { status: "invalid", lines: [say("tampered"), say("differs", { what: say("diff.id") })], page };
    }
    if (hosted.revoked) {
      const lines = [say("revoked")];
      if (hosted.revocationReason) lines.push(say("reason", { reason: hosted.revocationReason }));
      return { status: "revoked", lines, page };
    }
    if (embedded) {
      const changed = differences(embedded, hosted, found.verify);
      if (changed.length > 0) {
        return { status: "invalid", lines: [say("tampered"), say("differs", { what: changed.join(", ") })], page };
      }
    }
    const badge = await badgeClass(idOf(hosted.badge));
    const issuer = (await fetchDocument(idOf(badge.issuer))).document;
    if (!issuer || !badge.name || !issuer.name) throw new VerifyError("invalid", say("incomplete"));

    const expired = hosted.expires && Date.parse(hosted.expires) <= Date.now();
    const fields = { issuer: issuer.name, date: formatDate(expired ? hosted.expires : hosted.issuedOn) };
    const lines = [say(expired ? "expired" : "valid", fields)];
    if (embedded && !(sameDate(embedded.issuedOn, hosted.issuedOn) && sameDate(embedded.expires, hosted.expires))) {
      lines.push(say("date_note"));
    }
    const facts = [
      [say("fact.badge"), badge.name, pageOf(badge.id)],
      [say("fact.issuer"), issuer.name, pageOf(issuer.id)],
      [say("fact.issued"), formatDate(hosted.issuedOn)],
    ];
    if (hosted.expires) facts.push([say("fact.expires"), formatDate(hosted.expires)]);
    facts.push([say("fact.address"), hosted.id]);
    return { status: expired ? "expired" : "valid", lines, facts, page, recipient: hosted.recipient };
  }

  // --- Showing results ---------------------------------------------------------------------

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(href, text) {
    const node = element("a", "", text);
    node.href = href;
    return node;
  }

  function icon(name) {
    const found = icons && icons.content.querySelector('[data-icon="' + name + '"] svg');
    return found ? found.cloneNode(true) : document.createTextNode("");
  }

  /** The status box: an icon and a word (never colour alone), sentences, facts, a link. */
  function render(result) {
    const box = element("div", "status-box verifier-status status-" + result.status);
    const heading = element("h3");
    const word = element("span", "status-word");
    word.append(icon(result.status), " ", say("word." + result.status));
    heading.append(word);
    box.append(heading);
    for (const line of result.lines || []) box.append(element("p", "", line));
    if (result.status === "elsewhere") {
      box.append(element("p", "", say("elsewhere", { host: result.host })));
      const how = element("p", "", say("elsewhere.how", { host: result.host }) + " ");
      const official = link(config.verifier, config.verifier);
      official.rel = "noopener noreferrer";
      how.append(official);
      box.append(how);
    }
    if (result.facts) {
      const list = element("dl", "facts");
      for (const [label, value, href] of result.facts) {
        const dd = element("dd");
        dd.append(href ? link(href, value) : document.createTextNode(value));
        list.append(element("dt", "", label), dd);
      }
      box.append(list);
    }
    if (result.page) {
      const p = element("p");
      p.append(link(result.page, say("open_page") + " →"));
      box.append(p);
    }
    return box;
  }

  function show(result) {
    current = result;
    resultRegion.setAttribute("aria-busy", "false");
    resultRegion.replaceChildren(render(result));
    emailRegion.replaceChildren();
    if (emailInput.value.trim() && result.recipient) compareEmail();
  }

  /** Run one verification (from a file or an address), showing progress, then the result. */
  async function run(read) {
    current = null;
    emailRegion.replaceChildren();
    resultRegion.setAttribute("aria-busy", "true");
    resultRegion.replaceChildren(element("p", "", say("busy")));
    try {
      show(await check(await read()));
    } catch (error) {
      const known = error instanceof VerifyError;
      show({ status: known ? error.status : "error", lines: [known ? error.message : say("error")] });
      if (!known) console.warn(error);
    }
  }

  // --- The e-mail check --------------------------------------------------------------------

  async function sha256Hex(text) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  /** Compare the typed address with the badge's recipient: normalised (trimmed, lower-case), then hashed with its salt. */
  async function compareEmail() {
    const showEmail = (ok, title, about) => {
      const box = element("p", ok === null ? "" : "email-" + (ok ? "ok" : "bad"));
      if (ok !== null) {
        const strong = element("strong", "status-word");
        strong.append(icon(ok ? "valid" : "invalid"), " ", title);
        box.append(strong, " ");
      }
      box.append(about);
      emailRegion.replaceChildren(box);
      if (ok !== null && current && current.status === "elsewhere") {
        emailRegion.append(element("p", "small", say("email.unverified")));
      }
    };
    const address = emailInput.value.trim().toLowerCase();
    if (!address) return showEmail(null, "", say("email.empty"));
    if (!current) return showEmail(null, "", say("email.first"));
    const recipient = current.recipient;
    if (!recipient || !recipient.identity || (recipient.type && recipient.type !== "email")) {
      return showEmail(null, "", say("email.none"));
    }
    let matches;
    if (recipient.hashed) {
      const [kind, digest] = String(recipient.identity).split("$");
      if (kind.toLowerCase() !== "sha256" || !digest) return showEmail(null, "", say("email.unsupported", { kind }));
      matches = (await sha256Hex(address + (recipient.salt || ""))) === digest.toLowerCase();
    } else {
      matches = String(recipient.identity).trim().toLowerCase() === address;
    }
    if (matches) showEmail(true, say("email.match"), say("email.match.about"));
    else showEmail(false, say("email.mismatch"), say("email.mismatch.about"));
  }

  // --- Wiring ------------------------------------------------------------------------------

  /** An address as typed: trimmed, https:// added when missing; throws when it is not one. */
  function typedAddress() {
    let text = urlInput.value.trim();
    if (!text) throw new VerifyError("none", say("empty_url"));
    if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) text = "https://" + text;
    try {
      const url = new URL(text);
      url.search = "";
      url.hash = "";
      return { url: url.href };
    } catch (error) {
      throw new VerifyError("none", say("bad_url"));
    }
  }

  fileInput.addEventListener("change", () => {
    if (fileInput.files.length > 0) run(() => readFile(fileInput.files[0]));
  });
  urlForm.addEventListener("submit", (event) => {
    event.preventDefault();
    run(() => typedAddress());
  });
  emailForm.addEventListener("submit", (event) => {
    event.preventDefault();
    compareEmail();
  });
  // Dropping a picture on the box checks it, like choosing it.
  dropZone.addEventListener("dragover", (event) => {
    event.preventDefault();
    dropZone.classList.add("drop-here");
  });
  dropZone.addEventListener("dragleave", () => dropZone.classList.remove("drop-here"));
  dropZone.addEventListener("drop", (event) => {
    event.preventDefault();
    dropZone.classList.remove("drop-here");
    const file = event.dataTransfer && event.dataTransfer.files[0];
    if (file) run(() => readFile(file));
  });

  // The tool works: show it, and hide the explanation written for browsers without JavaScript.
  document.getElementById("sans-javascript").hidden = true;
  tool.hidden = false;

  // Opened from an award page (?url=…): check that badge at once.
  const asked = new URLSearchParams(location.search).get("url");
  if (asked) {
    urlInput.value = asked;
    run(() => typedAddress());
  }
})();
