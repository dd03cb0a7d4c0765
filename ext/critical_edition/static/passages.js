/* critical_edition: "cite this passage" beside each numbered paragraph.

   apparatus/passages.py numbers the witness's paragraphs; each starts with a small link to
   itself, "¶ 3" (class ed-passage-number, data-passage="3"). The page's part of the citation
   (the edition, its version and the page) is written once, in <meta name="ed-passage-citation">
   (writers/apparatus.py). This script adds after each link a small button that copies that
   citation with the paragraph's number, followed by the passage's address (this page's
   address with the paragraph's anchor). Without the script the number and its link
   stay; nothing else depends on it.

   The button is a real <button> with an accessible name ("Cite paragraph 3"); what happened
   is announced in one polite live region. Where the clipboard cannot be written (file://
   in some browsers, or permission refused), the citation is shown in a prompt to copy by
   hand. No network service is used. */
(() => {
  "use strict";

  const LINKS = 'a.ed-passage-number[href^="#"][data-passage]';
  const PAGE = 'meta[name="ed-passage-citation"]';
  let status = null;

  function announce(text) {
    if (!status) {
      status = document.createElement("span");
      status.className = "ed-passage-status";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      document.body.append(status);
    }
    status.textContent = "";
    // A fresh text, a moment later, is read again even when it is the same as before.
    window.setTimeout(() => {
      status.textContent = text;
    }, 50);
  }

  function citationOf(link) {
    const url = new URL(document.baseURI);
    url.hash = link.getAttribute("href").slice(1);
    const parts = [document.querySelector(PAGE)?.content, `\u00b6\u00a0${link.dataset.passage}`];
    return [...parts.filter(Boolean), url.href].join(", ");
  }

  async function copy(link, button) {
    const text = citationOf(link);
    try {
      await navigator.clipboard.writeText(text);
      button.classList.add("ed-passage-copied");
      window.setTimeout(() => button.classList.remove("ed-passage-copied"), 1500);
      announce(`Citation of paragraph ${link.dataset.passage} copied.`);
    } catch {
      window.prompt("Copy this citation:", text);
    }
  }

  function addButtons() {
    if (!document.querySelector(PAGE)) return;
    for (const link of document.querySelectorAll(LINKS)) {
      if (link.nextElementSibling?.classList.contains("ed-passage-cite")) continue;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "ed-passage-cite";
      button.textContent = "cite";
      button.setAttribute("aria-label", `Cite paragraph ${link.dataset.passage}`);
      button.title = "Copy a citation of this passage, with its address";
      button.addEventListener("click", () => copy(link, button));
      link.after(button);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addButtons);
  } else {
    addButtons();
  }
})();
