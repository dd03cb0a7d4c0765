/* critical_edition: previews on hover and keyboard focus, and the cards of claims and
   emendations on touch.

   - Citations show the bibliography entry, fetched from the same site's bibliography page
     (relative URL, cached): the reference with the editors' findings, always as current as
     that page. From file://, where browsers refuse fetch(), they show the link's title, which
     sphinxcontrib-bibtex fills with the reference: previews work offline too.
   - Footnote references show the footnote's text (same page).
   - Internal cross-references show the target's heading and first paragraph: taken from this
     page when the target is here, fetched from the same site (relative URL, cached) when it
     is on another page; from file://, where browsers refuse fetch(), the link's title is
     shown if it has one, else nothing.
   - Claims and emendations keep their CSS cards (hover, :focus-within; critical-edition.css
     styles both); this script adds a tap toggle for touch screens, Escape to close, and
     keeps a card inside the window, the same for both.

   One tooltip element (role="tooltip") serves every preview; the link it describes points
   at it with aria-describedby while it is shown. It is positioned absolutely in page
   coordinates, so showing it moves nothing (no layout shift), it never takes the focus
   (no trap), and Escape, leaving the link, or moving the focus away closes it. No network
   service: only files of this site are read. */
(() => {
  "use strict";

  const ARTICLE = 'article[role="main"]';
  const CLAIMS = ".ed-claim[data-claim-id], .ed-claim-block[data-claim-id]";
  // Marks in the text that open a card of their own (a child of the mark), and those cards.
  const MARKS = `${CLAIMS}, .ed-emendation`;
  const CARDS = ".ed-claim-card, .ed-emendation-card";
  const TIP_ID = "ed-preview";
  const SHOW_DELAY = 120; // ms of hovering before a preview opens (none for focus)
  const HIDE_DELAY = 250; // ms to move the pointer from the link into the preview

  let tip = null;
  let current = null; // the link the preview describes
  let suppressed = null; // a link whose preview Escape closed, until it is left
  let showTimer = 0;
  let hideTimer = 0;
  let generation = 0;
  const pages = new Map(); // URL without fragment -> Promise<Document | null>

  /* -- What a link is ------------------------------------------------------------------ */

  function targetId(link) {
    const hash = new URL(link.href, document.baseURI).hash;
    return hash ? decodeURIComponent(hash.slice(1)) : "";
  }

  function samePage(url) {
    const here = new URL(document.baseURI);
    return url.origin === here.origin && url.pathname === here.pathname;
  }

  function kindOf(link) {
    const skip =
      `${CARDS}, .toctree-wrapper, .sd-card, nav, aside.footnote, .citation, ` +
      ".related-pages, .ed-preview, .genindex-jumpbox, table.indextable";
    if (link.closest(skip) || link.matches(".headerlink, .ed-claim-permalink")) return null;
    if (link.classList.contains("footnote-reference")) return "footnote";
    if (link.closest(".bibtex-citation")) return "citation";
    if (link.matches("a.reference.internal[href]")) {
      const url = new URL(link.href, document.baseURI);
      if (samePage(url)) {
        const target = document.getElementById(targetId(link));
        if (target && target.matches(".citation, [role='doc-biblioentry']")) return "citation";
      }
      return "xref";
    }
    return null;
  }

  /* -- What a preview shows ------------------------------------------------------------ */

  // A copy fit for a tooltip: no ids (they would be duplicates), nothing focusable or
  // interactive (links become plain text), no permalinks, no nested cards.
  function inert(element) {
    const copy = element.cloneNode(true);
    copy
      .querySelectorAll(
        `.headerlink, ${CARDS}, .ed-note-mark, .ed-passage-number, .ed-passage-cite, ` +
          "script, style, .fn-bracket, .backrefs",
      )
      .forEach((node) => node.remove());
    copy.querySelectorAll("a").forEach((a) => {
      const span = document.createElement("span");
      span.append(...a.childNodes);
      a.replaceWith(span);
    });
    for (const node of [copy, ...copy.querySelectorAll("*")]) {
      for (const name of ["id", "tabindex", "aria-describedby", "role", "title", "name"]) {
        node.removeAttribute(name);
      }
    }
    return copy;
  }

  function textOf(element) {
    return inert(element).textContent.replace(/\s+/g, " ").trim();
  }

  function paragraph(text) {
    const p = document.createElement("p");
    p.textContent = text;
    return p;
  }

  // Heading and first paragraph of a target element (section, actor, claim, anything).
  function summary(target) {
    let title = "";
    let body = null;
    let kind = "Section";
    if (target.matches(CLAIMS)) {
      kind = "Claim";
      body = paragraph(textOf(target));
    } else if (target.matches(".ed-actor")) {
      kind = "Actor";
      const name = target.querySelector(".ed-actor-name strong, .ed-actor-name");
      title = name ? textOf(name) : "";
      body = target.querySelector(":scope > p:not([class])");
    } else if (target.matches(".ed-note, .ed-margin")) {
      // An editorial note: all of it (its head names the kind, the number and the lemma).
      kind = "Note";
      body = target;
    } else if (target.matches(".citation, [role='doc-biblioentry'], [role='listitem']")) {
      kind = "Reference";
      body = target.querySelector("p") || target;
    } else if (target.matches("section, article, [role='main']")) {
      const heading = target.querySelector("h1, h2, h3, h4, h5, h6");
      title = heading ? textOf(heading) : "";
      body = target.querySelector(":scope > p") || target.querySelector("p");
    } else {
      // An inline target (a label in running text): its paragraph.
      kind = "Passage";
      body = target.closest("p, li, dd") || target.querySelector("p") || target;
    }
    if (!title && !body) return null;
    return { kind, title, body: body ? inert(body) : null };
  }

  function fetchPage(url) {
    const key = url.href.split("#")[0];
    if (!pages.has(key)) {
      let promise = Promise.resolve(null);
      if (url.origin === window.location.origin && /^https?:$/.test(url.protocol)) {
        promise = fetch(key, { credentials: "same-origin" })
          .then((response) => (response.ok ? response.text() : null))
          .then((html) => (html ? new DOMParser().parseFromString(html, "text/html") : null))
          .catch(() => null);
      }
      pages.set(key, promise);
    }
    return pages.get(key);
  }

  async function contentFor(link, kind) {
    const title = link.dataset.edTitle || link.getAttribute("title") || "";
    if (kind === "citation") {
      // The entry itself, with the editors' findings, when the site can be read; the
      // link's title (the reference alone) from file:// or if the entry cannot be found.
      const url = new URL(link.href, document.baseURI);
      const doc = samePage(url) ? document : await fetchPage(url);
      const target = doc && doc.getElementById(targetId(link));
      if (target) return summary(target);
      return title ? { kind: "Reference", title: "", body: paragraph(title) } : null;
    }
    if (kind === "footnote") {
      const note = document.getElementById(targetId(link));
      if (!note) return null;
      const copy = inert(note);
      copy.querySelectorAll(".label").forEach((label) => label.remove());
      const number = textOf(link).replace(/[[\]]/g, "");
      const body = document.createElement("div");
      body.append(...copy.childNodes);
      return { kind: `Footnote ${number}`, title: "", body };
    }
    const url = new URL(link.href, document.baseURI);
    const id = targetId(link);
    const doc = samePage(url) ? document : await fetchPage(url);
    if (doc) {
      const target = id ? doc.getElementById(id) : doc.querySelector(`${ARTICLE} section`);
      const found = target && summary(target);
      if (found) return found;
    }
    return title ? { kind: "Link", title: "", body: paragraph(title) } : null;
  }

  /* -- The tooltip ---------------------------------------------------------------------- */

  function tooltip() {
    if (tip) return tip;
    tip = document.createElement("div");
    tip.id = TIP_ID;
    tip.className = "ed-preview";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    // The pointer may travel from the link into the preview (to read or select it).
    tip.addEventListener("mouseenter", () => clearTimeout(hideTimer));
    tip.addEventListener("mouseleave", () => scheduleHide());
    document.body.append(tip);
    return tip;
  }

  function describe(link, on) {
    const ids = (link.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    const others = ids.filter((id) => id !== TIP_ID);
    const next = on ? [...others, TIP_ID] : others;
    if (next.length) link.setAttribute("aria-describedby", next.join(" "));
    else link.removeAttribute("aria-describedby");
  }

  function render(content) {
    const element = tooltip();
    element.replaceChildren();
    const kind = document.createElement("span");
    kind.className = "ed-preview-kind";
    kind.textContent = content.kind;
    element.append(kind);
    if (content.title) {
      const title = document.createElement("span");
      title.className = "ed-preview-title";
      title.textContent = content.title;
      element.append(title);
    }
    if (content.body) element.append(content.body);
  }

  function place(link) {
    const element = tooltip();
    const rects = link.getClientRects();
    const box = rects.length ? rects[rects.length - 1] : link.getBoundingClientRect();
    element.style.left = "0px";
    element.style.top = "0px";
    element.hidden = false;
    const width = element.offsetWidth;
    const height = element.offsetHeight;
    const viewWidth = document.documentElement.clientWidth;
    const viewHeight = window.innerHeight;
    const left = Math.max(8, Math.min(box.left, viewWidth - width - 8));
    let top = box.bottom + 6;
    if (top + height > viewHeight - 8 && box.top - height - 6 > 8) top = box.top - height - 6;
    element.style.left = `${Math.round(left + window.scrollX)}px`;
    element.style.top = `${Math.round(top + window.scrollY)}px`;
  }

  async function show(link) {
    clearTimeout(hideTimer);
    clearTimeout(showTimer);
    if (link === suppressed) return;
    if (current === link && tip && !tip.hidden) return;
    const token = ++generation;
    const content = await contentFor(link, link.dataset.edPreview);
    if (token !== generation) return; // another link was entered meanwhile
    if (!content) {
      hide();
      return;
    }
    if (current && current !== link) restore(current);
    current = link;
    // The native title tooltip would open over ours: keep the text aside while shown.
    if (link.hasAttribute("title")) {
      link.dataset.edTitle = link.getAttribute("title");
      link.removeAttribute("title");
    }
    render(content);
    place(link);
    describe(link, true);
  }

  function restore(link) {
    describe(link, false);
    if (link.dataset.edTitle !== undefined) {
      link.setAttribute("title", link.dataset.edTitle);
      delete link.dataset.edTitle;
    }
  }

  function hide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    generation++;
    if (tip) tip.hidden = true;
    if (current) restore(current);
    current = null;
  }

  function scheduleHide() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, HIDE_DELAY);
  }

  function attach(link, kind) {
    link.dataset.edPreview = kind;
    link.addEventListener("pointerenter", (event) => {
      if (event.pointerType === "touch") return; // a tap follows the link
      clearTimeout(hideTimer);
      clearTimeout(showTimer);
      showTimer = setTimeout(() => show(link), SHOW_DELAY);
    });
    link.addEventListener("pointerleave", () => {
      clearTimeout(showTimer);
      if (suppressed === link) suppressed = null;
      if (current === link) scheduleHide();
    });
    link.addEventListener("focus", () => show(link));
    link.addEventListener("blur", () => {
      if (suppressed === link) suppressed = null;
      if (current === link) hide();
    });
  }

  /* -- Cards of claims and emendations: tap toggles, Escape closes, inside the window ---- */

  function cardOf(mark) {
    return mark.querySelector(`:scope > :is(${CARDS})`);
  }

  // The innermost mark with a card around *node*: the one a tap there opens or closes.
  function markOf(node) {
    for (let mark = node.closest(MARKS); mark; mark = mark.parentElement?.closest(MARKS)) {
      if (cardOf(mark)) return mark;
    }
    return null;
  }

  const MARGIN = 8; // px kept between a card and the window's edges

  // A card opens below its mark, moved sideways to stay inside the window; when the window
  // has no room for it below, above the mark (if there is more room there); and if it is
  // taller than the room on either side, it scrolls inside itself. On phones it is a sheet
  // docked at the bottom of the screen (critical-edition.css): the page scrolls so that the
  // mark stays in sight above it.
  function fitCard(mark) {
    const card = cardOf(mark);
    if (!card) return;
    card.style.removeProperty("--ed-card-shift");
    card.style.removeProperty("max-height");
    card.classList.remove("ed-card-above");
    if (getComputedStyle(card).display === "none") return;
    if (getComputedStyle(card).position !== "absolute") {
      keepAboveSheet(mark, card);
      return;
    }
    const box = card.getBoundingClientRect();
    // An inline mark that runs over several lines places its card at the start of its first
    // line; the card opens below the last line, so it starts where that line starts.
    const lines = mark.getClientRects();
    let left = lines.length > 1 ? Math.min(box.left, lines[lines.length - 1].left) : box.left;
    const viewWidth = document.documentElement.clientWidth;
    left = Math.max(MARGIN, Math.min(left, viewWidth - MARGIN - box.width));
    if (Math.round(left - box.left) !== 0) {
      card.style.setProperty("--ed-card-shift", `${Math.round(left - box.left)}px`);
    }
    const markBox = mark.getBoundingClientRect();
    const below = window.innerHeight - markBox.bottom - 2 * MARGIN;
    const above = markBox.top - 2 * MARGIN;
    if (box.height > below && above > below) card.classList.add("ed-card-above");
    const room = Math.max(above > below ? above : below, 80);
    if (box.height > room) card.style.maxHeight = `${Math.floor(room)}px`;
  }

  // The sheet covers the bottom of the screen: scroll so the mark sits between the page's
  // sticky header and the sheet (its start, when it is too long for that space).
  function keepAboveSheet(mark, card) {
    const header = document.querySelector(".mobile-header");
    const top = (header ? Math.max(0, header.getBoundingClientRect().bottom) : 0) + MARGIN;
    const bottom = card.getBoundingClientRect().top - MARGIN;
    const box = mark.getBoundingClientRect();
    let delta = 0;
    if (box.bottom > bottom) delta = Math.min(box.bottom - bottom, box.top - top);
    else if (box.top < top) delta = box.top - top;
    if (Math.abs(delta) >= 1) window.scrollBy({ top: delta, behavior: "instant" });
  }

  // A visible way to close a docked card (phones); CSS shows it only there.
  function closeButton(mark) {
    const card = cardOf(mark);
    if (!card || card.querySelector(":scope > .ed-card-close")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "ed-card-close";
    button.setAttribute("aria-label", "Close");
    button.textContent = "×";
    button.addEventListener("click", (event) => {
      event.stopPropagation();
      mark.classList.add("ed-dismissed");
      mark.focus({ preventScroll: true });
    });
    card.prepend(button);
  }

  function undismiss(mark) {
    mark.classList.remove("ed-dismissed");
  }

  function attachMark(mark) {
    if (!cardOf(mark)) return;
    closeButton(mark);
    let wasOpen = false;
    mark.addEventListener("pointerdown", (event) => {
      const active = document.activeElement;
      wasOpen =
        !mark.classList.contains("ed-dismissed") &&
        active !== null &&
        markOf(active) === mark &&
        !event.target.closest(CARDS);
    });
    mark.addEventListener("click", (event) => {
      if (event.target.closest(`a, ${CARDS}`)) return; // a link, or text in a card
      if (markOf(event.target) !== mark) return; // a nested mark handles it
      if (wasOpen) {
        mark.classList.add("ed-dismissed");
      } else {
        undismiss(mark);
        mark.focus({ preventScroll: true });
        fitCard(mark);
      }
    });
    // Fitted at once (before the card is first painted: moving it later would shift the
    // layout), and again on the next frame in case the hover or focus styles came late.
    const fit = () => {
      fitCard(mark);
      requestAnimationFrame(() => fitCard(mark));
    };
    mark.addEventListener("pointerenter", () => {
      if (!mark.classList.contains("ed-dismissed")) fit();
    });
    mark.addEventListener("pointerleave", () => {
      if (!mark.contains(document.activeElement)) undismiss(mark);
    });
    mark.addEventListener("focusin", fit);
    mark.addEventListener("focusout", (event) => {
      if (mark.contains(event.relatedTarget)) return;
      if (!mark.matches(":hover")) undismiss(mark);
    });
  }

  function onKeydown(event) {
    if (event.key !== "Escape") return;
    if (tip && !tip.hidden) {
      suppressed = current;
      hide();
    }
    document.querySelectorAll(MARKS).forEach((mark) => {
      if (mark.matches(":hover") || mark.contains(document.activeElement)) {
        mark.classList.add("ed-dismissed");
      }
    });
  }

  /* -- Repairs of the markup Sphinx and docutils write, for assistive technology --------- */

  // A code block or table wider than the text scrolls sideways; keyboard users can scroll it
  // only if it can take the focus (WCAG 2.1.1). Which ones scroll depends on the width.
  function focusableScrollers() {
    document
      .querySelectorAll(`${ARTICLE} pre, ${ARTICLE} .table-wrapper, ${ARTICLE} .highlight`)
      .forEach((box) => {
        const scrolls = box.scrollWidth > box.clientWidth + 1;
        if (scrolls && !box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
          box.dataset.edScroller = "";
        } else if (!scrolls && box.dataset.edScroller !== undefined) {
          box.removeAttribute("tabindex");
          delete box.dataset.edScroller;
        }
      });
  }

  function repairRoles() {
    // Toctree captions (the sidebar's and the landing page's) are <p role="heading"> without
    // the aria-level that ARIA 1.2 requires; 2 is the level ARIA 1.3 gives them by default.
    document.querySelectorAll('[role="heading"]:not([aria-level])').forEach((heading) => {
      heading.setAttribute("aria-level", "2");
    });
    // Bibliography entries carry role="doc-biblioentry" inside a role="list": DPUB-ARIA 1.1
    // deprecated that role in favour of listitem, and a list of them is not a list to tools
    // that follow it (axe-core, some screen readers).
    document.querySelectorAll('[role="list"] > [role="doc-biblioentry"]').forEach((entry) => {
      entry.setAttribute("role", "listitem");
    });
  }

  /* -- The reading control: how claims are marked, remembered across pages -------------- */

  const MODES = [
    ["all", "marked"],
    ["status", "by status"],
    ["hidden", "hidden"],
  ];
  const MODE_KEY = "ed-claims";
  const KEY = {
    all: [["", "a statement the text attributes to someone (hover, tap or Tab: who, source)"]],
    status: [
      ["sourced", "the authors give a source"],
      ["unsourced", "the authors give no source"],
      ["verified", "verified by the editors"],
      ["contested", "contested by the editors (see the editors' note)"],
      ["corrected", "corrected by the editors (see the editors' note)"],
    ],
  };

  function storedMode() {
    try {
      const mode = window.localStorage.getItem(MODE_KEY);
      return MODES.some(([value]) => value === mode) ? mode : "all";
    } catch {
      return "all"; // storage refused (a privacy setting): the default, not remembered
    }
  }

  function applyMode(mode) {
    document.documentElement.dataset.edClaims = mode;
    // Hidden claims are plain text: no stop for the Tab key either.
    document.querySelectorAll(CLAIMS).forEach((claim) => {
      claim.setAttribute("tabindex", mode === "hidden" ? "-1" : "0");
    });
    document.querySelectorAll(".ed-key").forEach((list) => {
      list.hidden = list.dataset.mode !== (mode === "status" ? "status" : "all");
    });
  }

  function keyList(mode) {
    const list = document.createElement("ul");
    list.className = "ed-key";
    list.dataset.mode = mode;
    for (const [status, meaning] of KEY[mode]) {
      const item = document.createElement("li");
      const sample = document.createElement("span");
      sample.className = status ? `ed-key-sample ed-status-${status}` : "ed-key-sample";
      sample.textContent = "words";
      item.append(sample, ` ${meaning}`);
      list.append(item);
    }
    return list;
  }

  // Next and previous claim: the button in the control, then N and P (or J and K) while a
  // claim has the focus (single keys act only there: WCAG 2.1.4). Not in the hidden mode.
  function visibleClaims() {
    if (document.documentElement.dataset.edClaims === "hidden") return [];
    return [...document.querySelectorAll(CLAIMS)].filter((claim) => claim.getClientRects().length);
  }

  function goToClaim(claim) {
    if (!claim) return;
    claim.focus({ preventScroll: true });
    claim.scrollIntoView({ block: "center" });
  }

  function stepClaims(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const step = { n: 1, j: 1, p: -1, k: -1 }[event.key.toLowerCase()];
    const claim = event.target.closest && event.target.closest(CLAIMS);
    if (!step || !claim || event.target !== claim) return;
    const claims = visibleClaims();
    const next = claims[claims.indexOf(claim) + step];
    if (!next) return;
    event.preventDefault();
    goToClaim(next);
  }

  // The first claim not above the window; when every claim sits in a closed tab (the guide's
  // "Rendered" examples), the tab of the first one is opened.
  function firstClaimInView() {
    let claims = visibleClaims();
    if (!claims.length && document.documentElement.dataset.edClaims !== "hidden") {
      const tab = document.querySelector(CLAIMS)?.closest(".sd-tab-content");
      const input = tab?.previousElementSibling?.previousElementSibling;
      if (input && input.matches("input[type=radio]")) input.checked = true;
      claims = visibleClaims();
    }
    return claims.find((claim) => claim.getBoundingClientRect().bottom > 0) || claims[0];
  }

  // The control stands under the title of every page but the search page: the choice is the
  // reader's for the whole edition. Where the page marks no claim it says so, and offers no
  // way to go to the claims.
  function readingControl() {
    const article = document.querySelector(ARTICLE);
    if (!article || document.getElementById("search-results")) return;
    const hasClaims = document.querySelector(CLAIMS) !== null;
    const box = document.createElement("fieldset");
    box.className = hasClaims ? "ed-reading" : "ed-reading ed-reading-none";
    const legend = document.createElement("legend");
    legend.textContent = "Claims";
    box.append(legend);
    const mode = storedMode();
    for (const [value, text] of MODES) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "ed-claims-mode";
      input.value = value;
      input.checked = value === mode;
      input.addEventListener("change", () => {
        if (!input.checked) return;
        try {
          window.localStorage.setItem(MODE_KEY, value);
        } catch {
          // not remembered; this page still follows the choice
        }
        applyMode(value);
      });
      label.append(input, text);
      box.append(label);
    }
    if (hasClaims) {
      const next = document.createElement("button");
      next.type = "button";
      next.className = "ed-next-claim";
      next.textContent = "Go to the claims";
      next.title = "Then N: next claim, P: previous claim";
      next.addEventListener("click", () => goToClaim(firstClaimInView()));
      box.append(next);
    } else {
      const none = document.createElement("span");
      none.className = "ed-reading-note";
      none.textContent = "(none marked on this page; the choice holds on every page)";
      box.append(none);
    }
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = "Key to the marks";
    details.append(summary, keyList("all"), keyList("status"));
    const hint = document.createElement("p");
    hint.className = "ed-key-hint";
    hint.textContent =
      "Hidden: the text alone, as the authors wrote it. On a claim, N goes to the next claim " +
      "and P to the previous one.";
    details.append(hint);
    box.append(details);
    const heading = article.querySelector("h1");
    if (heading) heading.after(box);
    else article.prepend(box);
    applyMode(mode);
  }

  // A one-line script in the page's head (writers/page_assets.py) sets the mode before the
  // first paint; this repeats it for pages without that script (an EPUB, another theme).
  document.documentElement.dataset.edClaims = storedMode();

  // Sphinx's search page shows a snippet of each page found, taken from the page's text: the
  // cards' words (hidden until asked for) are not part of it, as they are not indexed either.
  function snippetsWithoutCards() {
    // searchtools.js (a classic script, run before this deferred one) declares Search.
    if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
    const pageText = Search.htmlToText;
    Search.htmlToText = (html, anchor) => {
      const doc = new DOMParser().parseFromString(html, "text/html");
      doc.querySelectorAll(`${CARDS}, .no-search`).forEach((node) => node.remove());
      return pageText(doc.documentElement.outerHTML, anchor);
    };
  }

  function init() {
    repairRoles();
    readingControl();
    const article = document.querySelector(ARTICLE) || document.body;
    article.querySelectorAll("a[href]").forEach((link) => {
      const kind = kindOf(link);
      if (kind) attach(link, kind);
    });
    document.querySelectorAll(MARKS).forEach(attachMark);
    document.addEventListener("keydown", onKeydown);
    document.addEventListener("keydown", stepClaims);
    focusableScrollers();
    // The preview belongs to where the link was; a resize would leave it stranded.
    let resizing = 0;
    window.addEventListener("resize", () => {
      hide();
      clearTimeout(resizing);
      resizing = setTimeout(focusableScrollers, 200);
    });
    document.documentElement.classList.add("ed-previews");
  }

  snippetsWithoutCards();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
