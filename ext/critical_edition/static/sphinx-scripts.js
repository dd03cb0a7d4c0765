/* critical_edition: what Sphinx's page scripts do, on the pages that leave them out.

   writers/page_assets.py leaves Sphinx's doctools.js and sphinx_highlight.js out of every page
   but the search page (about 9 KB a page). On a page they do two things, both kept here:

   - Keys, as the configuration (documentation_options.js, still loaded) asks: with
     NAVIGATION_WITH_KEYS, Left and Right open the previous and next page (the page's
     <link rel="prev|next">); with ENABLE_SEARCH_SHORTCUTS, "/" puts the focus in the search
     box. Not in a text field, a select or on a button, nor with Alt, Ctrl or Meta, as in
     doctools.js.
   - The words of the last search marked on a page opened from the results (the words come
     from localStorage or from ?highlight=): only then are doctools.js and sphinx_highlight.js
     loaded, in that order, after the page is parsed; Sphinx's script marks the words and
     installs its Escape key as it would have on load. Once doctools.js is there, its own keys
     serve and these stand aside. */
(() => {
  "use strict";

  const BUNDLE = 'script[src*="critical-edition.min.js"]';
  const SCRIPTS = ["doctools.js", "sphinx_highlight.js"];
  const NOT_IN = new Set(["TEXTAREA", "INPUT", "SELECT", "BUTTON"]);
  const options = typeof DOCUMENTATION_OPTIONS === "undefined" ? {} : DOCUMENTATION_OPTIONS;

  // The search page loads Sphinx's scripts itself.
  if (typeof Documentation !== "undefined") return;

  function doctoolsLoaded() {
    return typeof Documentation !== "undefined";
  }

  document.addEventListener("keydown", (event) => {
    if (doctoolsLoaded() || event.defaultPrevented) return;
    if (NOT_IN.has(document.activeElement && document.activeElement.tagName)) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (!event.shiftKey && (event.key === "ArrowLeft" || event.key === "ArrowRight")) {
      if (!options.NAVIGATION_WITH_KEYS) return;
      const link = document.querySelector(
        event.key === "ArrowLeft" ? 'link[rel="prev"]' : 'link[rel="next"]',
      );
      if (link && link.href) {
        window.location.href = link.href;
        event.preventDefault();
      }
    } else if (event.key === "/" && options.ENABLE_SEARCH_SHORTCUTS) {
      const box = document.querySelector("input[name=q]");
      if (box) {
        box.focus();
        event.preventDefault();
      }
    }
  });

  function searchWords() {
    let stored = null;
    try {
      stored = window.localStorage.getItem("sphinx_highlight_terms");
    } catch (error) {
      stored = null; // storage refused (privacy settings): the address may still have them
    }
    return stored || new URL(window.location.href).searchParams.get("highlight") || "";
  }

  const bundle = document.querySelector(BUNDLE);
  if (!bundle || !searchWords().trim()) return;
  // One after the other: sphinx_highlight.js uses what doctools.js defines.
  SCRIPTS.reduceRight(
    (next, name) => () => {
      const script = document.createElement("script");
      script.src = new URL(name, bundle.src).href;
      script.onload = next;
      document.head.appendChild(script);
    },
    () => {},
  )();
})();
