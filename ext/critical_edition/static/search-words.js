/* critical_edition: the search words highlighted on a page opened from the search results.

   Sphinx's highlighter (sphinx_highlight.js) marks the words of the last search in the page
   the reader opens from the results; the words come from localStorage or from the address
   (?highlight=). writers/page_assets.py leaves the highlighter out of every page but the
   search page, and this script loads it only when there are words to mark, so a page read
   for itself does not download it. It loads after the page is parsed; Sphinx's script then
   marks the words and installs its Escape key, as it would have on load. */
(() => {
  "use strict";

  const HIGHLIGHTER = "sphinx_highlight.js";
  const BUNDLE = 'script[src*="critical-edition.min.js"]';

  function searchWords() {
    let stored = null;
    try {
      stored = window.localStorage.getItem("sphinx_highlight_terms");
    } catch (error) {
      stored = null; // storage refused (privacy settings): the address may still have them
    }
    return stored || new URL(window.location.href).searchParams.get("highlight") || "";
  }

  // Already on the page (the search page) or nothing to mark: nothing to load.
  if (typeof SPHINX_HIGHLIGHT_ENABLED !== "undefined" || !searchWords().trim()) return;
  const bundle = document.querySelector(BUNDLE);
  if (!bundle) return;
  const script = document.createElement("script");
  script.src = new URL(HIGHLIGHTER, bundle.src).href;
  document.head.appendChild(script);
})();
