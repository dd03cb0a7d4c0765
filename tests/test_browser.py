"""The HTML edition as readers meet it: headless Chromium, driven by Playwright.

The edition (docs/) and the claims example are built once per run, served from 127.0.0.1 and
read in Debian's Chromium at desktop and phone sizes: the cards of claims and emendations on
hover, keyboard focus and touch; previews of citations, footnotes and cross-references;
following a citation to the bibliography and back; the search page; the margin column; no
console errors, no request to the network, no layout shift. Screenshots go to test-results/
(gitignored).

How the tools get here: see tests/browser/support.py.
"""

from __future__ import annotations

import json
import re
import urllib.request
from typing import TYPE_CHECKING, Any

import pytest
from browser import support

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

pytestmark = pytest.mark.browser

#: The claim the claim tests use, in the edition: Lavrov's speculation about the checkpoint,
#: with a speaker, a date, the authors' citation, the editors' status and note. The claims
#: example (tests/roots/test-claims-basic, built with furo) has one too, and the claim block
#: the edition does not use.
CLAIM = "lavrov-checkpoint"


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


# -- Fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium(request: pytest.FixtureRequest) -> Any:
    return support.shared_chromium(request.config)


@pytest.fixture(scope="session")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Iterator[support.LocalServer]:
    yield from support.serve(support.built("edition", tmp_path_factory))


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[support.LocalServer]:
    yield from support.serve(support.built("claims", tmp_path_factory))


class Visit:
    """Opens pages in fresh browser contexts, each watched for errors and foreign requests."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.contexts: list[Any] = []
        self.watches: list[support.PageWatch] = []

    def __call__(self, server: support.LocalServer, path: str, *, phone: bool = False) -> Any:
        return self.open(server.url(path), phone=phone, origin=server.origin)

    def open(self, url: str, *, phone: bool = False, origin: str = "file://") -> Any:
        options: dict[str, Any] = {"viewport": support.PHONE if phone else support.DESKTOP}
        if phone:
            options |= {"is_mobile": True, "has_touch": True, "device_scale_factor": 2}
        options["reduced_motion"] = "reduce"  # furo scrolls smoothly otherwise
        context = self.browser.new_context(**options)
        self.contexts.append(context)
        watch = support.PageWatch(context, origin)
        self.watches.append(watch)
        page = watch.watch(context.new_page())
        page.goto(url)
        page.wait_for_load_state("load")
        # previews.js marks the document once it has wired the page.
        page.wait_for_selector("html.ed-previews", state="attached")
        return page

    def problems(self) -> list[str]:
        return [problem for watch in self.watches for problem in watch.problems()]

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def visit(chromium: Any) -> Iterator[Visit]:
    opener = Visit(chromium)
    yield opener
    opener.close()


def tab_to(page: Any, predicate: str, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies the JS *predicate* (of ``el``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"(() => {{ const el = document.activeElement; return !!({predicate}); }})()"
        ):
            return
    pytest.fail(f"no element matching {predicate!r} within {limit} presses of Tab")


def first_page_with(root: Path, pattern: str) -> str:
    """The first text page of a build whose HTML matches *pattern*."""
    for page in support.text_pages(root):
        if re.search(pattern, page.read_text(encoding="utf-8")):
            return page.relative_to(root).as_posix()
    pytest.fail(f"no page of {root} matches {pattern!r}")


def root_of(server: support.LocalServer) -> Path:
    from pathlib import Path

    return Path(server.httpd.RequestHandlerClass.keywords["directory"])  # type: ignore[attr-defined]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def claim_record(server: support.LocalServer, claim_id: str = CLAIM) -> dict[str, Any]:
    """The claim as claims.json (written by the build) records it, with its status label."""
    from critical_edition.core.model import ClaimStatus

    data = json.loads((root_of(server) / "claims.json").read_text(encoding="utf-8"))
    claims = data["claims"] if isinstance(data, dict) else data
    record = next((c for c in claims if c["id"] == claim_id), None)
    assert record is not None, f"no claim {claim_id!r} in {root_of(server)}/claims.json"
    return {
        **record,
        "label": ClaimStatus(record["status"]).label,
        "page": f"{record['docname']}.html",
    }


# -- Cards of claims and emendations -----------------------------------------------------------

#: The kinds of mark with a card that opens from it: the card tests run for each.
CARD_KINDS = ["claim", "emendation"]

#: True once the card *el* lies inside the window's width (a card opens below its mark,
#: which may be low in the window: the page scrolls).
INSIDE_WINDOW = """(el) => {
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.left >= 0 && box.right <= document.documentElement.clientWidth;
}"""


def open_mark(
    visit: Visit, server: support.LocalServer, kind: str, *, phone: bool = False
) -> tuple[Any, Any, Any, list[str]]:
    """A page with a mark of *kind*: the page, the mark, its card, texts the card shows.

    The claim is :data:`CLAIM` (the card names its speaker and its status); the emendation is
    the first correction of a word in the edition's pages, whose card gives what the witness
    reads, why the editors changed it, and a link to the apparatus.
    """
    if kind == "claim":
        record = claim_record(server)
        path, selector = record["page"], f'[id="claim-{CLAIM}"]'
    else:
        path = first_page_with(root_of(server), r'class="ed-emendation ed-emendation-sub"')
        selector = ".ed-emendation-sub:has(> .ed-emendation-card)"
    page = visit(server, path, phone=phone)
    mark = page.locator(selector).first
    card = mark.locator(f":scope > .ed-{kind}-card")
    if kind == "claim":
        texts = [record["actors"][0], record["label"]]
    else:
        texts = [mark.get_attribute("data-original"), "Reason"]
    return page, mark, card, texts


@pytest.mark.parametrize("kind", CARD_KINDS)
def test_card_on_hover_and_keyboard_focus(
    visit: Visit, edition: support.LocalServer, kind: str
) -> None:
    page, mark, card, texts = open_mark(visit, edition, kind)
    anchor = mark.get_attribute("id")
    focused = "document.activeElement.id"
    expect(card).to_be_hidden()

    mark.hover()
    expect(card).to_be_visible()
    for text in texts:
        expect(card).to_contain_text(text)
    assert card.evaluate(INSIDE_WINDOW)
    page.mouse.move(1, 1)
    expect(card).to_be_hidden()

    # Keyboard: the mark is reachable with Tab, and its card is its description.
    tab_to(page, f"el.id === {anchor!r}", limit=400)
    expect(card).to_be_visible()
    assert mark.get_attribute("aria-describedby") == card.get_attribute("id")
    assert card.get_attribute("role") == "tooltip"
    # The links in the mark's words, then those of its card, come next in the tab order;
    # the card stays open while the focus is anywhere in the mark.
    in_card = "(card) => card.contains(document.activeElement)"
    presses = 0
    while not card.evaluate(in_card):
        if presses > 10:
            pytest.fail("Tab never reached the links of the card")
        page.keyboard.press("Tab")
        presses += 1
        expect(card).to_be_visible()
    for _ in range(presses):
        page.keyboard.press("Shift+Tab")
    assert page.evaluate(focused) == anchor

    # Escape closes the card and leaves the focus where it was; Tab moves on (no trap).
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()
    assert page.evaluate(focused) == anchor
    page.keyboard.press("Tab")
    assert page.evaluate(focused) != anchor
    expect(card).to_be_hidden()
    assert visit.problems() == []


@pytest.mark.parametrize("phone", [False, True])
def test_claim_card_permalink_arrives_with_the_card(
    visit: Visit, edition: support.LocalServer, phone: bool
) -> None:
    """The card's last line, "Claim: Link to this claim", is the script's (static/previews.js):
    absent from the page as written, there once the card is shown, once, linking to the claim.
    """
    page, mark, card, _ = open_mark(visit, edition, "claim", phone=phone)
    anchor = mark.get_attribute("id")
    permalink = card.locator(":scope > a.ed-claim-permalink")
    written = urllib.request.urlopen(page.url).read().decode("utf-8")
    assert "ed-claim-permalink" not in written
    expect(permalink).to_have_count(0)
    for _ in range(2):  # shown twice, one line
        if phone:
            mark.tap()  # opens; a second tap closes it
        else:
            mark.hover()
        expect(card).to_be_visible()
        expect(permalink).to_have_count(1)
        if phone:
            mark.tap()
        else:
            page.mouse.move(1, 1)
        expect(card).to_be_hidden()
    if phone:
        mark.tap()
    else:
        mark.hover()
    expect(permalink).to_have_text("Link to this claim")
    assert permalink.get_attribute("href") == f"#{anchor}"
    assert permalink.get_attribute("class") == "ed-claim-permalink"
    # The same line as the others: a separator, a bare <b> label, a space, the link.
    tail = card.evaluate(
        "(c) => [...c.childNodes].slice(-4).map((n) => n.outerHTML ?? n.textContent)"
    )
    assert tail[:3] == ['<span class="ed-card-sep">; </span>', "<b>Claim</b>", " "], tail
    assert visit.problems() == []


@pytest.mark.parametrize("kind", CARD_KINDS)
def test_card_closed_by_escape_until_left(
    visit: Visit, edition: support.LocalServer, kind: str
) -> None:
    """A card Escape closed stays closed while its mark keeps the pointer or the focus."""
    page, mark, card, _ = open_mark(visit, edition, kind)
    mark.hover()
    expect(card).to_be_visible()
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()
    # The pointer moves on the mark (to the start of its first line): still closed.
    x, y = mark.evaluate("(el) => { const r = el.getClientRects()[0]; return [r.x + 2, r.y + 4]; }")
    page.mouse.move(x, y, steps=3)
    assert mark.evaluate("(el) => el.matches(':hover')")
    page.wait_for_timeout(100)
    expect(card).to_be_hidden()
    # It leaves and comes back: open again.
    page.mouse.move(1, 1)
    mark.hover()
    expect(card).to_be_visible()
    page.mouse.move(1, 1)
    expect(card).to_be_hidden()

    # The same with the focus.
    mark.focus()
    expect(card).to_be_visible()
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()
    page.evaluate("document.activeElement.blur()")
    mark.focus()
    expect(card).to_be_visible()
    assert visit.problems() == []


@pytest.mark.parametrize("kind", CARD_KINDS)
def test_card_tap_toggles_on_touch(visit: Visit, edition: support.LocalServer, kind: str) -> None:
    page, mark, card, _ = open_mark(visit, edition, kind, phone=True)
    expect(card).to_be_hidden()
    mark.tap()
    expect(card).to_be_visible()
    # On a phone the card is docked at the bottom of the screen, inside it.
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= support.PHONE["width"]
    assert box["y"] + box["height"] <= support.PHONE["height"]
    support.screenshot(page, f"phone-{kind}-card-tapped")
    mark.tap()
    expect(card).to_be_hidden()
    mark.tap()
    expect(card).to_be_visible()
    page.locator("h1").first.tap()
    expect(card).to_be_hidden()
    assert visit.problems() == []


def test_emendation_card_stays_inside_the_window(
    visit: Visit, edition: support.LocalServer
) -> None:
    # A window a little wider than a phone's (cards open below their mark, not docked) and the
    # mark at the right end of a line as wide as the text column: left where CSS puts it (at
    # the mark's start), the card would run out of the window on the right. The mark is
    # scrolled to at once: furo scrolls smoothly, and a hover aimed while the page still
    # moves can miss it.
    width = 820
    page, mark, card, _ = open_mark(visit, edition, "emendation")
    page.set_viewport_size({"width": width, "height": 900})
    mark.evaluate(
        """(el) => {
          el.parentElement.style.maxWidth = "none";
          el.parentElement.style.textAlign = "right";
          el.after(document.createElement("br"));
          el.scrollIntoView({block: "center", behavior: "instant"});
        }"""
    )
    mark_box = mark.bounding_box()
    assert mark_box["x"] + mark_box["width"] > width - 80, mark_box

    mark.hover()
    expect(card).to_be_visible()
    assert card.bounding_box()["width"] > 80
    page.wait_for_function(INSIDE_WINDOW, arg=card.element_handle(), timeout=5_000)
    page.mouse.move(1, 1)
    expect(card).to_be_hidden()
    mark.focus()
    expect(card).to_be_visible()
    page.wait_for_function(INSIDE_WINDOW, arg=card.element_handle(), timeout=5_000)
    assert visit.problems() == []


#: True once the card *el* lies wholly inside the window.
WHOLLY_INSIDE = """(el) => {
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.left >= 0 && box.right <= document.documentElement.clientWidth
    && box.top >= 0 && box.bottom <= window.innerHeight;
}"""


def test_card_of_the_last_claim_in_the_window_lies_inside_it(
    visit: Visit, edition: support.LocalServer
) -> None:
    """Near the bottom of the window a card opens above its claim, whole."""
    page = visit(edition, claim_record(edition)["page"])
    # The last claim whose words are all in the window, with the page scrolled so that one
    # sits on the window's last lines.
    claim = page.locator(f'[id="claim-{CLAIM}"]')
    claim.evaluate(
        """(el) => {
          const box = el.getBoundingClientRect();
          window.scrollBy(0, box.bottom - window.innerHeight + 12);
        }"""
    )
    box = claim.bounding_box()
    assert box["y"] + box["height"] > support.DESKTOP["height"] - 40, box
    card = claim.locator(":scope > .ed-claim-card")
    claim.hover()
    expect(card).to_be_visible()
    page.wait_for_function(WHOLLY_INSIDE, arg=card.element_handle(), timeout=5_000)
    assert card.bounding_box()["y"] < box["y"], "the card should open above its claim"
    page.mouse.move(1, 1)
    expect(card).to_be_hidden()
    # The same by keyboard.
    claim.focus()
    expect(card).to_be_visible()
    page.wait_for_function(WHOLLY_INSIDE, arg=card.element_handle(), timeout=5_000)
    support.screenshot(page, "desktop-card-above")
    assert visit.problems() == []


def test_phone_sheet_keeps_the_claim_in_sight(visit: Visit, edition: support.LocalServer) -> None:
    """On a phone the card is a sheet below the tapped claim, with a close button and Escape."""
    page = visit(edition, claim_record(edition)["page"], phone=True)
    claim = page.locator(f'[id="claim-{CLAIM}"]')
    card = claim.locator(":scope > .ed-claim-card")
    # The claim low on the screen, where the sheet will open.
    claim.evaluate(
        """(el) => window.scrollBy(0, el.getBoundingClientRect().top - window.innerHeight + 60)"""
    )
    claim.tap()
    expect(card).to_be_visible()
    page.wait_for_timeout(150)
    sheet = card.bounding_box()
    words = claim.evaluate(
        """(el) => { const r = el.getClientRects()[0]; return {top: r.top, bottom: r.bottom}; }"""
    )
    header = page.evaluate(
        "document.querySelector('.mobile-header').getBoundingClientRect().bottom"
    )
    assert words["top"] >= header - 1 and words["bottom"] <= sheet["y"] + 1, (words, sheet)
    assert sheet["y"] + sheet["height"] <= support.PHONE["height"]
    close = card.locator(".ed-card-close")
    expect(close).to_be_visible()
    close_box = close.bounding_box()
    assert close_box["width"] >= 44 and close_box["height"] >= 44, close_box
    support.screenshot(page, "phone-claim-sheet")
    close.tap()
    expect(card).to_be_hidden()
    # Tapped again it opens; Escape closes it.
    claim.tap()
    expect(card).to_be_visible()
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()
    assert visit.problems() == []


def test_claim_block_card_and_inline_links(visit: Visit, example: support.LocalServer) -> None:
    # The edition has no claim block (yet); the example has one, and an ed:claim reference.
    page = visit(example, "index.html")
    block = page.locator(".ed-claim-block[id]").first
    card = block.locator(":scope > .ed-claim-card")
    block.hover()
    expect(card).to_be_visible()
    # A reference made with the ed:claim role is a link, not a claim: no half brackets.
    xref = page.locator("code.xref.ed-claim").first
    before = xref.evaluate("el => getComputedStyle(el, '::before').content")
    assert before in ("none", "normal")
    assert visit.problems() == []


# -- The reading control ------------------------------------------------------------------------


def _luminance(css_colour: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", css_colour)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


#: The look of a claim: its brackets, its underline, whether it takes the focus.
CLAIM_LOOK = """(el) => ({
  before: getComputedStyle(el, "::before").content,
  after: getComputedStyle(el, "::after").content,
  line: getComputedStyle(el).textDecorationLine,
  style: getComputedStyle(el).textDecorationStyle,
  mark: getComputedStyle(el, "::before").color,
  page: getComputedStyle(document.body).backgroundColor,
  tabindex: el.getAttribute("tabindex"),
})"""


def test_reading_control_hides_shows_and_is_remembered(
    visit: Visit, edition: support.LocalServer
) -> None:
    record = claim_record(edition)
    page = visit(edition, record["page"])
    control = page.locator("fieldset.ed-reading")
    expect(control).to_be_visible()
    claim = page.locator(f'[id="claim-{CLAIM}"]')
    card = claim.locator(":scope > .ed-claim-card")

    # Marked (the default): half brackets, no underline, focusable; the card opens.
    look = claim.evaluate(CLAIM_LOOK)
    assert "⸢" in look["before"] and look["line"] == "none" and look["tabindex"] == "0", look
    expect(control.get_by_label("marked")).to_be_checked()

    # By status: an underline whose style (not colour) tells the status, never wavy or double,
    # and a key of the marks.
    control.get_by_label("by status").check()
    look = claim.evaluate(CLAIM_LOOK)
    assert look["line"] == "underline" and look["style"] in ("dotted", "dashed"), look
    styles = page.evaluate(
        """() => [...document.querySelectorAll(".ed-claim[id]")]
            .map((el) => getComputedStyle(el).textDecorationStyle)"""
    )
    assert not {"wavy", "double"} & set(styles), styles
    control.get_by_text("Key to the marks").click()
    key = control.locator('.ed-key[data-mode="status"]')
    expect(key).to_be_visible()
    for label in ("verified", "contested", "corrected"):
        expect(key).to_contain_text(label)

    # Hidden: plain text, no card, no stop for Tab.
    control.get_by_label("hidden").check()
    look = claim.evaluate(CLAIM_LOOK)
    assert look["before"] in ("none", "normal") and look["line"] == "none", look
    assert look["tabindex"] == "-1"
    claim.hover()
    page.wait_for_timeout(200)
    expect(card).to_be_hidden()

    # Remembered on the next page of the same visit.
    other = next(
        c["docname"]
        for c in json.loads((root_of(edition) / "claims.json").read_text(encoding="utf-8"))
        if c["docname"] != record["docname"]
    )
    page.goto(edition.url(f"{other}.html"))
    page.wait_for_selector("html.ed-previews", state="attached")
    assert page.evaluate("document.documentElement.dataset.edClaims") == "hidden"
    expect(page.locator("fieldset.ed-reading").get_by_label("hidden")).to_be_checked()
    page.goto(edition.url(record["page"]))
    page.wait_for_selector("html.ed-previews", state="attached")
    page.locator("fieldset.ed-reading").get_by_label("marked").check()
    claim.hover()
    expect(card).to_be_visible()
    support.screenshot(page, "desktop-reading-control")
    assert visit.problems() == []


def test_reading_control_on_every_page(visit: Visit, edition: support.LocalServer) -> None:
    """Every page but the search page has the control and its key; a page without claims says
    so and offers no way to go to them; the choice made there holds on the paper's pages."""
    root = root_of(edition)
    paths = [p.relative_to(root).as_posix() for p in support.html_pages(root)]
    paths = [path for path in paths if path != "search.html"]
    mark = re.compile(r'class="ed-claim(-block)?[ "][^>]*\bid="claim-')
    with_claims = [path for path in paths if mark.search((root / path).read_text("utf-8"))]
    page = visit(edition, paths[0])
    for path in paths:
        page.goto(edition.url(path))
        page.wait_for_selector("html.ed-previews", state="attached")
        control = page.locator("fieldset.ed-reading")
        expect(control).to_have_count(1)
        expect(control.get_by_text("Key to the marks")).to_be_visible()
        has_button = control.locator(".ed-next-claim").count() == 1
        marked = page.locator(".ed-claim[id], .ed-claim-block[id]").count() > 0
        assert has_button == marked, (path, has_button, marked)
        if not marked:
            expect(control).to_contain_text("none marked on this page")
    assert with_claims, "no page with claims"
    page.goto(edition.url("claims.html"))
    page.wait_for_selector("html.ed-previews", state="attached")
    page.locator("fieldset.ed-reading").get_by_label("by status").check()
    page.goto(edition.url(claim_record(edition)["page"]))
    page.wait_for_selector("html.ed-previews", state="attached")
    assert page.evaluate("document.documentElement.dataset.edClaims") == "status"
    expect(page.locator("fieldset.ed-reading").get_by_label("by status")).to_be_checked()
    page.goto(edition.url("search.html?q=Lavrov"))
    page.wait_for_selector("html.ed-previews", state="attached")
    expect(page.locator("fieldset.ed-reading")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert visit.problems() == []


#: Run before any script of the page: when the parser has read the whole page (readyState
#: "interactive", before the page's deferred scripts run), note how the first claim looks.
FIRST_PAINT_PROBE = """
document.addEventListener("readystatechange", () => {
  if (document.readyState !== "interactive") return;
  const claim = document.querySelector(".ed-claim[id]");
  window.edFirstLook = claim && {
    mode: document.documentElement.dataset.edClaims || null,
    before: getComputedStyle(claim, "::before").content,
    line: getComputedStyle(claim).textDecorationLine,
  };
});
"""


def test_hidden_mode_shows_no_mark_before_the_first_paint(
    visit: Visit, edition: support.LocalServer
) -> None:
    """With "hidden" remembered, a page with claims is plain text from the start: the head
    script applied the mode before the parser reached the text (no flash of marks)."""
    path = claim_record(edition)["page"]
    page = visit(edition, "index.html")
    page.evaluate("localStorage.setItem('ed-claims', 'hidden')")
    page.add_init_script(FIRST_PAINT_PROBE)
    page.goto(edition.url(path))
    page.wait_for_selector("html.ed-previews", state="attached")
    look = page.evaluate("window.edFirstLook")
    assert look == {"mode": "hidden", "before": "none", "line": "none"}, look
    # The probe does see marks when the head script is missing (the mode comes later, from the
    # deferred script): it measures the moment that matters.
    page.route(
        edition.url(path),
        lambda route: route.fulfill(
            response=(response := route.fetch()),
            body=re.sub(r"<script>try\{var m=localStorage[^<]*</script>", "", response.text()),
        ),
    )
    page.goto(edition.url(path))
    page.wait_for_selector("html.ed-previews", state="attached")
    assert page.evaluate("window.edFirstLook")["before"] not in ("none", "normal")
    assert page.evaluate("document.documentElement.dataset.edClaims") == "hidden"
    assert visit.problems() == []


def test_skip_link_and_claim_keys_on_every_page_with_claims(
    visit: Visit, edition: support.LocalServer
) -> None:
    """On each page with claims: the first Tab reaches "Skip to content", which leads to the
    text; "Go to the claims" focuses a claim, and N and P step through them."""
    root = root_of(edition)
    paths = [
        p.relative_to(root).as_posix()
        for p in support.text_pages(root)
        if re.search(r'class="ed-claim[ "][^>]*\bid="claim-', p.read_text(encoding="utf-8"))
    ]
    assert len(paths) >= 3, paths
    page = visit(edition, paths[0])
    focused = "document.activeElement.id || null"
    for path in paths:
        page.goto(edition.url(path))
        page.wait_for_selector("html.ed-previews", state="attached")
        page.keyboard.press("Tab")
        skip = page.evaluate("document.activeElement.textContent.trim()")
        assert skip == "Skip to content", (path, skip)
        page.keyboard.press("Enter")
        page.wait_for_function("location.hash === '#furo-main-content'")
        expect(page.locator("#furo-main-content")).to_be_in_viewport()
        page.locator(".ed-reading .ed-next-claim").click()
        # The claims shown (the guide keeps its examples in tabs: the button opened the first).
        ids = page.evaluate(
            """() => [...document.querySelectorAll(".ed-claim[id]")]
                .filter((claim) => claim.getClientRects().length)
                .map((claim) => claim.id)"""
        )
        first = page.evaluate(focused)
        assert first in ids, (path, first)
        if ids.index(first) + 1 < len(ids):
            following = ids[ids.index(first) + 1]
            page.keyboard.press("n")
            assert page.evaluate(focused) == following, path
            expect(page.locator(f'[id="{following}"]')).to_be_in_viewport()
            page.keyboard.press("p")
            assert page.evaluate(focused) == first, path
    assert visit.problems() == []


def test_next_and_previous_claim(visit: Visit, edition: support.LocalServer) -> None:
    page = visit(edition, claim_record(edition)["page"])
    claims = page.locator(".ed-claim[id]")
    ids = [claims.nth(i).get_attribute("id") for i in range(3)]
    focused = "document.activeElement.id"
    page.locator(".ed-reading .ed-next-claim").click()
    assert page.evaluate(focused) == ids[0]
    page.keyboard.press("n")
    assert page.evaluate(focused) == ids[1]
    expect(claims.nth(1)).to_be_in_viewport()
    page.keyboard.press("n")
    page.keyboard.press("p")
    assert page.evaluate(focused) == ids[1]
    assert visit.problems() == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_claim_marks_contrast(visit: Visit, edition: support.LocalServer, scheme: str) -> None:
    """Brackets, underlines and signs of claims stand out at least 3:1 in either scheme."""
    page = visit(edition, claim_record(edition)["page"])
    page.emulate_media(color_scheme=scheme)
    for mode in ("marked", "by status"):
        page.locator("fieldset.ed-reading").get_by_label(mode).check()
        marks = page.evaluate(
            """() => [...document.querySelectorAll(".ed-claim[id]")].flatMap((el) => [
                getComputedStyle(el, "::before").color,
                getComputedStyle(el, "::after").color,
                getComputedStyle(el).textDecorationColor,
            ])"""
        )
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        worst = min(contrast(colour, background) for colour in marks)
        assert worst >= 3, (scheme, mode, worst, background)


# -- The chronology --------------------------------------------------------------------------------


def test_timeline_marks_are_links_to_the_list(visit: Visit, edition: support.LocalServer) -> None:
    page = visit(edition, "chronology.html")
    tab_to(page, "el.matches('a.ed-tl-mark')", limit=200)
    href = page.evaluate("document.activeElement.getAttribute('href')")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert href.startswith("#chronology-") and label
    page.keyboard.press("Enter")
    page.wait_for_function(f"location.hash === {href!r}")
    expect(page.locator(href)).to_be_in_viewport()
    assert visit.problems() == []


def test_timeline_on_a_phone(visit: Visit, edition: support.LocalServer) -> None:
    """Marks big enough to tap (24px), labels big enough to read (8px high or more)."""
    page = visit(edition, "chronology.html", phone=True)
    figure = page.locator("figure.ed-timeline")
    figure.scroll_into_view_if_needed()
    hits = page.locator("a.ed-tl-mark .ed-tl-hit")
    assert hits.count() > 0
    for box in (hits.nth(i).bounding_box() for i in range(hits.count())):
        assert box["width"] >= 24 and box["height"] >= 24, box
    labels = page.locator(".ed-tl-label:visible")
    for box in (labels.nth(i).bounding_box() for i in range(labels.count())):
        assert box["height"] >= 8, box
    support.screenshot(page, "phone-timeline")
    hits.first.tap()
    page.wait_for_function("location.hash.startsWith('#chronology-')")
    assert visit.problems() == []


# -- Previews --------------------------------------------------------------------------------


def test_citation_preview_and_round_trip(visit: Visit, edition: support.LocalServer) -> None:
    path = first_page_with(root_of(edition), r'class="bibtex-citation"')
    page = visit(edition, path)
    link = page.locator('a[data-ed-preview="citation"]').first
    reference = normalise(link.get_attribute("title") or "")
    assert reference, "sphinxcontrib-bibtex should give the citation its reference as title"
    tip = page.locator("#ed-preview")

    link.hover()
    expect(tip).to_be_visible()
    expect(tip).to_have_attribute("role", "tooltip")
    assert "ed-preview" in (link.get_attribute("aria-describedby") or "").split()
    preview = normalise(tip.inner_text())
    # The native title tooltip would open over the preview; it is kept aside while shown.
    assert link.get_attribute("title") is None
    page.mouse.move(1, 1)
    expect(tip).to_be_hidden()
    assert normalise(link.get_attribute("title") or "") == reference

    # Follow the citation to its entry in the bibliography: the preview showed that entry.
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(re.compile(re.escape(href.split("#")[0]) + "#"))
    entry = page.locator(":target")
    expect(entry).to_be_visible()
    expect(entry).to_be_in_viewport()
    entry_text = normalise(entry.locator("p").first.inner_text())
    assert entry_text in preview, (entry_text, preview)
    assert reference.rstrip(".") in entry_text
    # ... and back to the same place in the text.
    page.go_back()
    page.wait_for_url(re.compile(re.escape(path) + "$"))
    expect(page.locator('a[data-ed-preview="citation"]').first).to_be_in_viewport()
    assert visit.problems() == []


def test_citation_preview_offline_from_file(visit: Visit, edition: support.LocalServer) -> None:
    """Opened from disk, where fetch() is refused, a citation shows its link's title."""
    root = root_of(edition)
    path = first_page_with(root, r'class="bibtex-citation"')
    page = visit.open((root / path).as_uri())
    link = page.locator('a[data-ed-preview="citation"]').first
    reference = normalise(link.get_attribute("title") or "")
    link.focus()
    tip = page.locator("#ed-preview")
    expect(tip).to_be_visible()
    assert reference in normalise(tip.inner_text())
    assert visit.problems() == []


def test_footnote_preview_on_focus_and_hover(visit: Visit, edition: support.LocalServer) -> None:
    path = first_page_with(root_of(edition), r'class="footnote-reference')
    page = visit(edition, path)
    link = page.locator('a[data-ed-preview="footnote"]').first
    note_id = link.get_attribute("href").split("#")[1]
    note = page.locator(f'[id="{note_id}"]')
    note_text = normalise(note.locator(":scope > :not(.label)").all_inner_texts()[0])
    tip = page.locator("#ed-preview")

    link.focus()
    expect(tip).to_be_visible()
    assert note_text[:60] in normalise(tip.inner_text())
    assert "ed-preview" in (link.get_attribute("aria-describedby") or "").split()
    # No duplicate ids: the preview is an inert copy.
    assert tip.locator("[id]").count() == 0
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    assert (
        page.evaluate("document.activeElement === document.querySelector('#ed-preview')") is False
    )
    assert "ed-preview" not in (link.get_attribute("aria-describedby") or "")
    # Tab moves on (no trap); the preview, if any, is now the next link's.
    page.keyboard.press("Tab")
    assert link.evaluate("el => el !== document.activeElement")
    assert "ed-preview" not in (link.get_attribute("aria-describedby") or "")
    page.locator("h1").first.click()
    expect(tip).to_be_hidden()

    link.scroll_into_view_if_needed()
    link.hover()
    expect(tip).to_be_visible()
    # The pointer can move into the preview without closing it (WCAG 1.4.13).
    box = tip.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 10, steps=4)
    page.wait_for_timeout(400)
    expect(tip).to_be_visible()
    page.mouse.move(1, 1)
    expect(tip).to_be_hidden()
    assert visit.problems() == []


def test_cross_reference_previews(
    visit: Visit, edition: support.LocalServer, example: support.LocalServer
) -> None:
    tip_text = "#ed-preview"
    # A claim on another page: the register of speakers links each claim to its place in the
    # text; the preview (fetched from that page, cached) is the claim's words, not its card.
    record = claim_record(edition)
    page = visit(edition, "actors.html")
    link = page.locator(f'a[data-ed-preview="xref"][href$="#claim-{CLAIM}"]').first
    tip = page.locator(tip_text)
    link.hover()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text(normalise(record["text"])[:40])
    expect(tip).not_to_contain_text("Said by")
    page.mouse.move(1, 1)
    expect(tip).to_be_hidden()

    # A whole page: its title and first paragraph.
    page = visit(edition, "claims.html")
    link = page.locator('a[data-ed-preview="xref"][href="about.html"]').first
    link.focus()
    tip = page.locator(tip_text)
    expect(tip).to_be_visible()
    first = page.evaluate(
        """async () => {
          const html = await (await fetch("about.html")).text();
          const doc = new DOMParser().parseFromString(html, "text/html");
          return [doc.querySelector("h1").textContent, doc.querySelector("section > p").textContent];
        }"""
    )
    expect(tip).to_contain_text(normalise(first[0]).rstrip("¶"))
    expect(tip).to_contain_text(normalise(first[1])[:60])

    # An actor: the name and the description.
    page = visit(example, "index.html")
    link = page.locator('a[data-ed-preview="xref"][href="register.html#actor-lavrov"]').first
    link.focus()
    tip = page.locator(tip_text)
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Sergey Lavrov")
    expect(tip).to_contain_text("Minister of Foreign Affairs")
    assert visit.problems() == []


@pytest.mark.parametrize("site", ["example", "edition"])
def test_previews_cause_no_layout_shift(
    visit: Visit, edition: support.LocalServer, example: support.LocalServer, site: str
) -> None:
    server = example if site == "example" else edition
    page = visit(server, "index.html" if site == "example" else claim_record(edition)["page"])
    page.evaluate(
        """() => {
          window.edShift = 0;
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) window.edShift += entry.value;
          }).observe({type: "layout-shift", buffered: false});
        }"""
    )
    hovered = 0
    for selector in (
        f'[id="claim-{CLAIM}"]',
        ".ed-emendation[tabindex]",
        'a[data-ed-preview="citation"]',
        'a[data-ed-preview="footnote"]',
        'a[data-ed-preview="xref"]',
    ):
        if not page.locator(selector).count():
            continue
        page.locator(selector).first.hover()
        page.wait_for_timeout(300)
        page.mouse.move(1, 1)
        page.wait_for_timeout(300)
        hovered += 1
    assert hovered >= 2
    assert page.evaluate("window.edShift") == 0
    assert visit.problems() == []


# -- Search, navigation, layout ----------------------------------------------------------------


def test_search_finds_a_name(visit: Visit, edition: support.LocalServer) -> None:
    page = visit(edition, "search.html?q=Lavrov")
    results = page.locator("#search-results ul.search li a")
    expect(results.first).to_be_visible(timeout=15_000)
    expect(page.locator("#search-results")).to_contain_text("Lavrov")
    # Sphinx's search fetches every result page for its excerpt; let those fetches finish, or
    # the click below cancels one (net::ERR_ABORTED), which is the test's doing, not the page's.
    expect(page.locator("#search-results .search-summary")).to_contain_text("found")
    page.wait_for_load_state("networkidle")
    # Results are pages and entries named as readers know them, never a claim's id; their
    # excerpts are the pages' text, without the words of the cards.
    claims = json.loads((root_of(edition) / "claims.json").read_text(encoding="utf-8"))
    claim_ids = {claim["id"] for claim in claims}
    titles = results.all_inner_texts()
    assert not claim_ids & {title.strip() for title in titles}, titles
    page.locator("#search-results p.context").first.wait_for()
    sample = '<div role="main">Text<span class="ed-claim-card">Said by</span></div>'
    assert page.evaluate("(html) => Search.htmlToText(html)", sample).strip() == "Text"
    for excerpt in page.locator("#search-results p.context").all_inner_texts():
        assert "Said by" not in excerpt and "Link to this claim" not in excerpt, excerpt
    # Claims are listed by their speaker and words, the speaker by name; each leads to itself.
    items = [normalise(t) for t in page.locator("#search-results ul.search li").all_inner_texts()]
    said = [t for t in items if t.startswith("Sergey Lavrov: \u201c") and "(Claim, in " in t]
    assert said, items
    assert not [t for t in items if "Critical edition" in t], items
    speaker = page.locator("#search-results ul.search li a", has_text=re.compile("^Sergey Lavrov$"))
    assert speaker.get_attribute("href").endswith("#actor-lavrov")
    claim = page.locator("#search-results ul.search li a", has_text="Sergey Lavrov: \u201c").first
    href = claim.get_attribute("href")
    claim.click()
    page.wait_for_load_state("load")
    target = page.locator(f"#{href.split('#', 1)[1]}")
    expect(target).to_be_in_viewport()
    expect(target).to_have_class(re.compile(r"(^|\s)ed-claim(-block)?(\s|$)"))
    page.go_back()
    expect(page.locator("#search-results .search-summary")).to_contain_text("found")
    page.wait_for_load_state("networkidle")  # the excerpts' fetches, as above
    speaker.click()
    page.wait_for_load_state("load")
    expect(page.locator("#actor-lavrov")).to_be_in_viewport()
    expect(page.locator('article[role="main"]')).to_contain_text("Lavrov")
    assert visit.problems() == []


def test_every_page_loads_cleanly(
    visit: Visit, edition: support.LocalServer, example: support.LocalServer
) -> None:
    for server in (edition, example):
        paths = [
            p.relative_to(root_of(server)).as_posix() for p in support.html_pages(root_of(server))
        ]
        page = visit(server, paths[0])
        for path in paths[1:]:
            page.goto(server.url(path))
            page.wait_for_selector("html.ed-previews", state="attached")
            # The text face loads after layout: leaving before it arrives aborts the request
            # (net::ERR_ABORTED), which would count as a failed request of the page.
            page.wait_for_load_state("networkidle")
        assert server.missing == [], f"not found on {server.origin}: {server.missing}"
    assert visit.problems() == []


def test_section_navigation(visit: Visit, edition: support.LocalServer) -> None:
    page = visit(edition, "index.html")
    sidebar = page.locator(".sidebar-tree a.reference")
    assert sidebar.count() >= 2, "the sidebar lists the edition's sections"
    nxt = page.locator(".related-pages a.next-page")
    expect(nxt).to_be_visible()
    title = normalise(nxt.locator(".title").inner_text())
    nxt.click()
    page.wait_for_load_state("load")
    expect(page.locator("h1").first).to_contain_text(title[:20])
    expect(page.locator(".related-pages a.prev-page")).to_be_visible()
    assert visit.problems() == []


MARGIN_NOTE = """() => {
  const text = document.querySelector('article[role="main"] section > p');
  const note = document.createElement("aside");
  note.className = "ed-margin";
  note.id = "test-margin-note";
  note.textContent = "An editorial note: it sits beside the line it belongs to.";
  text.prepend(note);
  const t = text.getBoundingClientRect(), n = note.getBoundingClientRect();
  const article = document.querySelector('article[role="main"]').getBoundingClientRect();
  return {text: [t.left, t.right], note: [n.left, n.right, n.top], top: t.top, article: article.right};
}"""


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_margin_notes(visit: Visit, example: support.LocalServer, phone: bool) -> None:
    """Any element with class ed-margin floats into the margin on wide screens, inline else."""
    page = visit(example, "index.html", phone=phone)
    geometry = page.evaluate(MARGIN_NOTE)
    text_left, text_right = geometry["text"]
    note_left, note_right, note_top = geometry["note"]
    if phone:
        assert note_left >= text_left - 1 and note_right <= text_right + 1
    else:
        # Beside the paragraph, right of its text, within the article, level with its line.
        assert note_left >= text_right, geometry
        assert note_right <= geometry["article"] + 1, geometry
        assert abs(note_top - geometry["top"]) < 20, geometry
    support.screenshot(page, f"{'phone' if phone else 'desktop'}-margin-note")
    assert visit.problems() == []


EDITION_NOTES = """() => {
  const article = document.querySelector('article[role="main"]');
  const box = article.getBoundingClientRect();
  const textRight = box.right - parseFloat(getComputedStyle(article).paddingRight);
  return [...article.querySelectorAll(".ed-margin")].map((note) => {
    const n = note.getBoundingClientRect();
    return {left: n.left, right: n.right, width: n.width, textRight, articleRight: box.right};
  });
}"""


def test_edition_notes_sit_in_the_margin(visit: Visit, edition: support.LocalServer) -> None:
    """The edition's own editorial notes (class ed-margin) in the margin column, desktop."""
    pages = [p for p in support.text_pages(root_of(edition)) if 'class="ed-margin' in p.read_text()]
    if not pages:
        pytest.skip("the edition has no ed-margin notes yet")
    path = pages[0].relative_to(root_of(edition)).as_posix()
    page = visit(edition, path)
    notes = page.evaluate(EDITION_NOTES)
    assert notes
    for note in notes:
        assert note["left"] >= note["textRight"] - 1, note
        assert note["right"] <= note["articleRight"] + 1, note
    # At 1440px a note's lines hold about 40 characters (they held ~25 in an 11rem column);
    # its heading is left out: where its quoted words break decides its lines, not the measure.
    per_line = page.evaluate(
        """() => [...document.querySelectorAll(".ed-margin p:not(.ed-note-head)")].map((p) => {
            const range = document.createRange();
            range.selectNodeContents(p);
            const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
            // Paragraphs of three lines or more: a short last line weighs little there.
            return lines.size >= 3 ? p.textContent.trim().length / lines.size : null;
        }).filter((n) => n !== null)"""
    )
    assert per_line and min(per_line) >= 32, per_line
    page.locator(".ed-margin").first.scroll_into_view_if_needed()
    support.screenshot(page, "desktop-edition-notes")
    assert visit.problems() == []


def test_lemma_inside_a_claim_keeps_its_own_line(
    visit: Visit, edition: support.LocalServer
) -> None:
    """A lemma's dotted line sits below a claim's status underline, in another colour, and
    neither runs under the note's mark ("ed. N")."""
    path = first_page_with(
        root_of(edition), r'class="ed-claim[^"]*"[^>]*>[^<]*<span class="ed-lemma'
    )
    page = visit(edition, path)
    page.locator("fieldset.ed-reading").get_by_label("by status").check()
    look = page.evaluate(
        """() => {
            const lemma = document.querySelector(".ed-claim .ed-lemma");
            const claim = lemma.closest(".ed-claim");
            const px = (el) => parseFloat(getComputedStyle(el).textUnderlineOffset);
            return {
                lemma: px(lemma), claim: px(claim),
                lemmaColour: getComputedStyle(lemma).textDecorationColor,
                claimColour: getComputedStyle(claim).textDecorationColor,
                mark: getComputedStyle(lemma.querySelector(".ed-note-mark")).display,
            };
        }"""
    )
    assert look["lemma"] >= look["claim"] + 3, look
    assert look["lemmaColour"] != look["claimColour"], look
    assert look["mark"] == "inline-block", look
    page.locator(".ed-claim .ed-lemma").first.scroll_into_view_if_needed()
    support.screenshot(page, "desktop-lemma-in-claim")
    assert visit.problems() == []


def test_cite_a_passage(visit: Visit, edition: support.LocalServer) -> None:
    """A paragraph's number stands left of it on a desktop; its button, named for the keyboard
    and screen readers, copies the citation with the edition's version and the passage's URL."""
    page = visit(edition, "introduction.html")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=edition.origin)
    number = page.locator('a.ed-passage-number[href="#p-introduction-3"]')
    paragraph = page.locator("p#p-introduction-3")
    number_box, text_box = number.bounding_box(), paragraph.bounding_box()
    assert number_box["x"] + number_box["width"] <= text_box["x"], (number_box, text_box)
    button = page.get_by_role("button", name="Cite paragraph 3")
    button.focus()
    expect(button).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator(".ed-passage-status")).to_have_text("Citation of paragraph 3 copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    # The page's part is written once (a <meta>); the script adds the paragraph's number.
    assert copied == (
        "An Account on Karabakh War: Why Now and Then What? \u2014 a critical edition, "
        "version 1.0, \u201cIntroduction\u201d, \u00b6\u00a03, "
        + edition.url("introduction.html#p-introduction-3")
    )
    assert visit.problems() == []


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_screenshots(visit: Visit, edition: support.LocalServer, phone: bool) -> None:
    """Screenshots of the landing page, a text page and a claim card, for a person to look at."""
    size = "phone" if phone else "desktop"
    text_page = "introduction.html"
    if not (root_of(edition) / text_page).is_file():
        text_page = first_page_with(root_of(edition), r'class="bibtex-citation"')
    shots: list[tuple[str, Callable[[Any], None] | None, support.LocalServer, str]] = [
        ("landing", None, edition, "index.html"),
        ("text", None, edition, text_page),
        ("search", None, edition, "search.html?q=Lavrov"),
    ]
    for name, _, server, path in shots:
        page = visit(server, path, phone=phone)
        if name == "search":
            page.locator("#search-results ul.search li").first.wait_for()
        # Nothing sticks out sideways: the page reads without horizontal scrolling.
        # (furo's .content is the box that would scroll sideways on a phone; its headings
        # reach half a rem into its padding on purpose.)
        overflow = page.evaluate(
            """() => Math.max(...[document.documentElement, document.querySelector(".content")]
                .map((box) => box.scrollWidth - box.clientWidth))"""
        )
        assert overflow <= 1, f"{path} overflows sideways by {overflow}px at {size} width"
        support.screenshot(page, f"{size}-{name}")
    page = visit(edition, claim_record(edition)["page"], phone=phone)
    claim = page.locator(f'[id="claim-{CLAIM}"]')
    claim.scroll_into_view_if_needed()
    if phone:
        claim.tap()
    else:
        claim.hover()
    expect(claim.locator(":scope > .ed-claim-card")).to_be_visible()
    support.screenshot(page, f"{size}-claim-card")
    if not phone:
        page.mouse.move(1, 1)
        page.locator('a[data-ed-preview="citation"]').first.hover()
        expect(page.locator("#ed-preview")).to_be_visible()
        support.screenshot(page, f"{size}-citation-preview")
    assert visit.problems() == []


# -- Weight, the claim index on a phone, no 404 ------------------------------------------------


def _loaded(page: Any, url: str) -> dict[str, int]:
    """Open *url* in *page* and return every response of the local server with its size."""
    sizes: dict[str, int] = {}

    def record(response: Any) -> None:
        if response.ok and not response.url.startswith("data:"):
            sizes[response.url.split("?", 1)[0]] = len(response.body())

    page.on("response", record)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return sizes


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_paper_page_weight_as_loaded(
    chromium: Any, edition: support.LocalServer, phone: bool
) -> None:
    """What Chromium downloads for the heaviest paper page: the page, its CSS and JS, the text
    face it shows, its icon; never sphinx-design's full sheet or the highlighting sheet."""
    from test_html_integrity import ONLY_WHERE_USED, WEIGHT_BUDGET

    options: dict[str, Any] = {"viewport": support.PHONE if phone else support.DESKTOP}
    context = chromium.new_context(**options)
    watch = support.PageWatch(context, edition.origin)
    try:
        page = watch.watch(context.new_page())
        sizes = _loaded(page, edition.url("third-parties.html"))
        names = {url.rsplit("/", 1)[-1] for url in sizes}
        assert not names & ONLY_WHERE_USED
        assert "edition-text-regular.woff2" in names  # the text face is used
        assert sum(sizes.values()) <= WEIGHT_BUDGET, sizes
        assert watch.problems() == []
    finally:
        context.close()


def test_search_words_are_highlighted_without_loading_sphinx_scripts_everywhere(
    visit: Visit, edition: support.LocalServer
) -> None:
    """A paper page does not load doctools.js and Sphinx's highlighter for itself; opened
    from the search results (?highlight=…) it loads them, marks the words, and Escape takes
    the marks away."""
    plain = visit(edition, "third-parties.html")
    assert plain.evaluate("[typeof Documentation, typeof SphinxHighlight]") == [
        "undefined",
        "undefined",
    ]
    page = visit(edition, "third-parties.html?highlight=Lavrov")
    page.wait_for_selector("span.highlighted")
    marked = page.evaluate(
        "[...document.querySelectorAll('span.highlighted')].map(s => s.textContent)"
    )
    assert marked and {word.lower() for word in marked} == {"lavrov"}, marked
    page.locator("article").click(position={"x": 1, "y": 1})
    page.keyboard.press("Escape")
    page.wait_for_function("!document.querySelector('span.highlighted')")
    assert visit.problems() == []


def test_sphinx_keys_work_without_doctools(visit: Visit, edition: support.LocalServer) -> None:
    """The keys doctools.js gave (navigation_with_keys): "/" focuses the search box, Right and
    Left open the next and previous page; not while typing in the search box."""
    page = visit(edition, "third-parties.html")
    page.locator("article").click(position={"x": 1, "y": 1})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.press("ArrowRight")  # typing in the box: no page change
    assert page.url.endswith("third-parties.html")
    page.evaluate("document.activeElement.blur()")
    with page.expect_navigation():
        page.keyboard.press("ArrowRight")
    assert page.url.endswith("conclusion.html")
    page.wait_for_selector("html.ed-previews", state="attached")
    with page.expect_navigation():
        page.keyboard.press("ArrowLeft")
    assert page.url.endswith("third-parties.html")
    assert visit.problems() == []


def test_claim_index_reads_on_a_phone(visit: Visit, edition: support.LocalServer) -> None:
    """At 390x844 no column of the claim index is off-screen: each row reads top to bottom."""
    page = visit(edition, "claims.html", phone=True)
    width = page.evaluate("document.documentElement.clientWidth")
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('table.ed-claim-table tbody tr')].slice(0, 20)
            .flatMap(row => [...row.cells].map(cell => {
              const box = cell.getBoundingClientRect();
              return {left: box.left, right: box.right, text: cell.textContent.trim()};
            }))"""
    )
    assert boxes, "no claim index rows"
    outside = [box for box in boxes if box["left"] < 0 or box["right"] > width + 0.5]
    assert outside == []
    # Nothing scrolls sideways, neither the page nor the table's wrapper.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(
        """() => [...document.querySelectorAll('.table-wrapper')]
            .every(w => w.scrollWidth <= w.clientWidth + 1)"""
    )
    # The status reads with its label, and the header stays for assistive technology.
    label = page.evaluate(
        """() => getComputedStyle(document.querySelector(
            'table.ed-claim-table td:nth-child(6) p'), '::before').content"""
    )
    assert "Status" in label
    support.screenshot(page, "claims-phone")
    assert visit.problems() == []


#: Frames a phone reader scrolls sideways on purpose, each inside the screen: a code block
#: keeps its lines as written (a command or Markdown to copy), the timeline keeps its 40rem
#: scale (apparatus.css). Furo's navigation drawers wait off-screen until opened.
SIDEWAYS_FRAMES = "pre, figure.ed-timeline"
OFF_SCREEN_DRAWERS = ".sidebar-drawer, .toc-drawer"

#: Every element of the page with a box past the screen's left or right edge, outside the
#: frames above: "tag.class (left-right): text".
PAST_THE_EDGES = """([frames, drawers]) => {
  const width = document.documentElement.clientWidth;
  const past = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest(drawers) || el.parentElement.closest(frames)) continue;
    const box = el.getBoundingClientRect();
    if (!box.width && !box.height) continue;
    if (box.left < -0.5 || box.right > width + 0.5) {
      const name = el.localName + [...el.classList].map(c => '.' + c).join('');
      const text = el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40);
      past.push(`${name} (${Math.round(box.left)}-${Math.round(box.right)}): ${text}`);
    }
  }
  return past;
}"""


def wider_than_the_screen(page: Any, server: support.LocalServer) -> dict[str, list[str]]:
    """Each page of *server* that scrolls sideways in *page*'s window, or has something past
    the window's edge outside the frames that scroll on purpose: what is wider, by page."""
    root = root_of(server)
    width = page.evaluate("window.innerWidth")
    wider: dict[str, list[str]] = {}
    for path in (p.relative_to(root).as_posix() for p in support.html_pages(root)):
        page.goto(server.url(path))
        page.wait_for_selector("html.ed-previews", state="attached")
        page.wait_for_load_state("networkidle")  # the text face changes the widths
        problems = page.evaluate(PAST_THE_EDGES, [SIDEWAYS_FRAMES, OFF_SCREEN_DRAWERS])
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            problems.insert(0, f"the page is {scroll}px wide")
        if problems:
            wider[path] = problems[:5]
    return wider


def test_no_page_is_wider_than_a_phone(visit: Visit, edition: support.LocalServer) -> None:
    """At 390x844 no page of the edition scrolls sideways, and nothing on it runs past the
    screen's edge, not even inside a table's scrolling wrapper (the reference tables of the
    guide, the emendations and the claim index stack their rows; code in other tables breaks).
    Only code blocks and the timeline scroll sideways, in their own frames."""
    page = visit(edition, "guide/reference.html", phone=True)
    assert page.evaluate("window.innerWidth") == support.PHONE["width"]
    support.screenshot(page, "reference-phone")
    assert wider_than_the_screen(page, edition) == {}
    assert visit.problems() == []


def test_no_page_is_wider_than_a_laptop(chromium: Any, edition: support.LocalServer) -> None:
    """At 1280px, with the margin column, a code block with a long line scrolls in its frame
    instead of widening the page (guide/checks, guide/claims did)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        assert wider_than_the_screen(page, edition) == {}
    finally:
        context.close()


@pytest.mark.parametrize("width", [1440, 1480, 1600, 1920])
def test_no_page_is_wider_than_a_wide_screen(
    chromium: Any, edition: support.LocalServer, width: int
) -> None:
    """Where furo shows the contents drawer beside the wider margin column (reading.css), the
    navigation sidebar, the content column and the drawer add up to the window's width at
    most: at 1440 and 1480px they were 1488px wide, and from 1552px (where furo sets the root
    font at 110%) to 1637px, 1637px."""
    context = chromium.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        assert wider_than_the_screen(page, edition) == {}
    finally:
        context.close()


def test_a_page_with_contents_fits_every_desktop_width(
    visit: Visit, edition: support.LocalServer
) -> None:
    """One page with furo's contents drawer and long code blocks, from 1000 to 2000px in steps
    of 8px: the page is never wider than the window (the walk over every page above takes a
    few widths only)."""
    page = visit(edition, "guide/claims.html")
    page.wait_for_load_state("networkidle")  # the text face changes the widths
    wider = {}
    for width in range(1000, 2001, 8):
        page.set_viewport_size({"width": width, "height": 900})
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            wider[width] = scroll
    assert wider == {}
    assert visit.problems() == []


#: The rows of the claim index the reader sees (a hidden row has no box).
SHOWN_ROWS = """() => [...document.querySelectorAll('table.ed-claim-table tbody tr')]
    .filter(row => row.getClientRects().length).map(row => row.className)"""


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_claim_index_filters_by_status_without_script(
    chromium: Any, edition: support.LocalServer, phone: bool
) -> None:
    """The claim index is one table under a status filter that works with scripts off: a
    status's label (or the arrow keys, as in any radio group) leaves that status's rows; "All"
    shows every row again. Each label counts its rows."""
    size = support.PHONE if phone else support.DESKTOP
    context = chromium.new_context(java_script_enabled=False, viewport=size)
    try:
        page = context.new_page()
        page.goto(edition.url("claims.html"))
        every = page.evaluate(SHOWN_ROWS)
        contested = [c for c in every if "ed-row-contested" in c.split()]
        assert 0 < len(contested) < len(every)
        label = page.locator(".ed-claim-filter > label", has_text="Contested (")
        assert label.inner_text().strip() == f"Contested ({len(contested)})"
        label.click()
        assert page.evaluate(SHOWN_ROWS) == contested
        page.mouse.move(1, 1)
        page.wait_for_timeout(300)  # sphinx-design's labels fade their colour in 250 ms
        support.screenshot(page, f"claims-contested-{'phone' if phone else 'desktop'}")
        # The focus is on the checked input: the next status is one arrow key away.
        page.keyboard.press("ArrowRight")
        corrected = [c for c in every if "ed-row-corrected" in c.split()]
        assert page.evaluate(SHOWN_ROWS) == corrected
        page.locator(".ed-claim-filter > label", has_text="All (").click()
        assert page.evaluate(SHOWN_ROWS) == every
    finally:
        context.close()


@pytest.mark.parametrize("path", ["index.html", "third-parties.html", "claims.html"])
def test_no_missing_file(visit: Visit, edition: support.LocalServer, path: str) -> None:
    """Every file a page asks for exists: the icon included (no favicon 404)."""
    page = visit(edition, path)
    page.wait_for_load_state("networkidle")
    icon = page.evaluate("document.querySelector('link[rel~=icon]')?.href")
    assert icon, "no icon"
    assert page.request.get(icon).status == 200
    support.screenshot(page, f"{path.removesuffix('.html')}-desktop")
    assert visit.problems() == []


#: The width of the margin column and of the text column beside it, in rem (root font).
COLUMNS = """() => {
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
  const article = document.querySelector('article[role="main"]');
  const style = getComputedStyle(article);
  const text = article.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const note = document.querySelector('article[role="main"] .ed-margin');
  return {note: note.getBoundingClientRect().width / rem, text: text / rem};
}"""


def test_wide_screen_margin_and_back_to_top(visit: Visit, edition: support.LocalServer) -> None:
    """The margin column widens with the window from furo's 11rem, where its contents drawer
    appears (82em), to 20rem, then the text column from 33.5 to 35.5rem where the wider content
    column fits (93em, at 16px a rem). At 1440px furo's back-to-top pill, once shown, lies
    outside the text column."""
    page = visit(edition, "third-parties.html")
    columns = {}
    for width in (1280, 1440, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        columns[width] = page.evaluate(COLUMNS)
    assert columns[1280]["note"] == pytest.approx(11, abs=0.1), columns
    # At 1440px, 8rem past 82em, all of them for the margin.
    assert columns[1440]["note"] == pytest.approx(19, abs=0.1), columns
    assert columns[1920]["note"] == pytest.approx(20, abs=0.1), columns
    assert all(33.4 <= c["text"] <= 35.6 for c in columns.values()), columns
    page.set_viewport_size(support.DESKTOP)
    page.mouse.wheel(0, 2500)
    page.wait_for_timeout(100)
    page.mouse.wheel(0, -400)  # furo shows the pill when the reader scrolls up
    page.wait_for_timeout(300)
    pill = page.evaluate(
        """() => { const b = document.querySelector('.back-to-top');
            return b && getComputedStyle(b).display !== 'none' ? b.getBoundingClientRect().left
                                                                : null; }"""
    )
    text_right = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll('article p')]
            .map(p => p.getBoundingClientRect().right))"""
    )
    assert pill is not None, "furo's back-to-top pill did not show"
    assert pill >= text_right
    support.screenshot(page, "third-parties-desktop")
    assert visit.problems() == []
