"""Broken roots: each holds one problem and must give exactly one clear, located diagnostic.

Every ``tests/roots/test-broken-*`` root is copied, checked with ``critical-edition check``
(in-process) and must give: exactly the expected warning line (colours stripped, the source
directory replaced by ``<srcdir>``), a non-zero exit status, no Python traceback, nothing that
could run script in any output page (parsed), the same finding in the JSON and SARIF reports,
sources byte-identical to before, and a ``claims.json`` valid against its schema. For the .bib
roots, the entries after the broken one must still be cited (linked in the HTML). A few roots
hold input that looks suspect but is valid (expected ``None``): no warning, exit status 0.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from critical_edition.cli import main as cli
from critical_edition.outputs.claims_json import SCHEMA_PATH
from helpers import live_markup
from sphinx.util.console import strip_escape_sequences

ROOTS = Path(__file__).parent / "roots"
#: The folder of files outside the roots' source folders (tests/roots/outside-shared/README.md).
OUTSIDE = "outside-shared"
#: The text of every file in it, which no output may contain.
OUTSIDE_TEXT = "OUTSIDE-SECRET"
#: The invisible bidirectional embeddings, overrides and isolates.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")

#: root (without ``test-broken-``) -> (the one expected warning, texts the HTML must contain).
#: ``None`` for a root whose input is valid although it looks suspect: no warning, exit 0.
CASES: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "bib-bad-archiveurl-data": (
        "<srcdir>/refs.bib:8: WARNING: entry \"gamma2002\" has an archiveurl that is not an absolute http(s) address: 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='; it is left out of the output until corrected [edition.bib_bad_url]",
        ("Beta, 2001", "Gamma, 2002", 'href="https://example.org/third"'),
    ),
    "bib-bad-archiveurl-javascript": (
        "<srcdir>/refs.bib:8: WARNING: entry \"gamma2002\" has an archiveurl that is not an absolute http(s) address: 'javascript:alert(1)'; it is left out of the output until corrected [edition.bib_bad_url]",
        ("Beta, 2001", "Gamma, 2002", 'href="https://example.org/third"'),
    ),
    "bib-bad-doi": (
        "<srcdir>/refs.bib:8: WARNING: entry \"gamma2002\" has a doi that is not of the form 10.NNNN/suffix: 'https://doi.org/10.1234/third'; write the bare DOI (no https://doi.org/ or doi:); it is left out of the output until corrected [edition.bib_bad_doi]",
        ("Beta, 2001", "Gamma, 2002"),
    ),
    "bib-bad-name": (
        "<srcdir>/refs.bib:8: WARNING: entry \"gamma2002\": Too many commas in 'Gamma, Gil, Jr, III'; write each name as 'Last, First' or 'First Last', separated by 'and' [edition.bib_bad_name]",
        ("Beta, 2001",),
    ),
    "bib-bad-url": (
        "<srcdir>/refs.bib:8: WARNING: entry \"gamma2002\" has a url that is not an absolute http(s) address: 'www.example.org/third'; it is left out of the output until corrected [edition.bib_bad_url]",
        ("Beta, 2001", "Gamma, 2002"),
    ),
    "bib-duplicate-field": (
        '<srcdir>/refs.bib:8: WARNING: entry "gamma2002" gives the field "title" twice (again at line 11); the first is used: delete one [edition.bib_duplicate_field]',
        ("Beta, 2001", "Gamma, 2002"),
    ),
    "bib-duplicate-key-files": (
        '<srcdir>/more.bib:1: WARNING: duplicate key "alpha2000": the entry at refs.bib:1 has it already (keys ignore case); this entry is left out: rename or delete it [edition.bib_duplicate_key]',
        ("Beta, 2001", "Alpha, 2000"),
    ),
    "bib-duplicate-key": (
        '<srcdir>/refs.bib:8: WARNING: duplicate key "Alpha2000": the entry at refs.bib:1 has it already (keys ignore case); this entry is left out: rename or delete it [edition.bib_duplicate_key]',
        ("Beta, 2001", "Alpha, 2000"),
    ),
    "bib-encoding-name": (
        (
            "<srcdir>/conf.py:8: WARNING: bibtex_encoding = 'latin-9x' is no encoding Python knows; "
            "reading as utf-8 [edition.bib_encoding]"
        ),
        ("Alpha, 2000", "Beta, 2001"),
    ),
    "bib-nul-byte": (
        '<srcdir>/refs.bib:8: WARNING: the entry "gamma2002" has an invisible control character at line 10 (a NUL byte or the like, which no bibliography field can hold); delete it from the file (it is left out meanwhile) [edition.bib_control_character]',
        ("Beta, 2001", "Gamma, 2002", "Cafe"),
    ),
    "bib-unknown-style": (
        (
            "<srcdir>/conf.py:8: WARNING: bibtex_default_style = 'harvard' names no installed style; "
            "using 'plain' [edition.config_invalid]"
        ),
        ("Alpha, 2000", "Beta, 2001"),
    ),
    "bib-encoding": (
        '<srcdir>/refs.bib:8: WARNING: the file is not valid utf-8-sig: the entry "gamma2002" has a byte 0xe9 at line 10 that cannot be read; save the file as utf-8-sig (the bad bytes are read as U+FFFD meanwhile) [edition.bib_encoding]',
        ("Beta, 2001", "Gamma, 2002"),
    ),
    "bib-extra-brace": (
        "<srcdir>/refs.bib:8: WARNING: entry \"gamma2002\" has one '}' too many: it ended early at line 10; the extra brace is ignored: remove it [edition.bib_unbalanced_braces]",
        ("Beta, 2001", "Gamma, 2002"),
    ),
    "bib-missing-field": (
        '<srcdir>/refs.bib:8: WARNING: entry "gamma2002" (@article) has no "journal" field, which the style "plain" needs; the bibliography prints "missing journal in gamma2002" until it is added [edition.bib_missing_field]',
        ("Beta, 2001", "Gamma, 2002"),
    ),
    # A footnote citation of that entry: printed as the bibliography prints it (no traceback).
    "bib-missing-field-footcite": (
        '<srcdir>/refs.bib:8: WARNING: entry "gamma2002" (@article) has no "journal" field, which the style "plain" needs; the bibliography prints "missing journal in gamma2002" until it is added [edition.bib_missing_field]',
        ("Beta, 2001", "<strong>missing journal in gamma2002</strong>"),
    ),
    # A citation whose text is the entry's author, editor or title, of an entry with none.
    "cite-missing-title": (
        "<srcdir>/index.md:3: WARNING: the citation {cite:t}`anon2002` needs a field the entry lacks (missing title in anon2002): give the entry an author, editor or title in the bibliography file, or cite it in parentheses [edition.cite_missing_field]",
        ("Beta, 2001", "<strong>missing title in anon2002</strong>"),
    ),
    "cite-missing-title-footcite": (
        "<srcdir>/index.md:3: WARNING: the citation {footcite:t}`anon2002` needs a field the entry lacks (missing title in anon2002): give the entry an author, editor or title in the bibliography file, or cite it in parentheses [edition.cite_missing_field]",
        ("Beta, 2001", "<strong>missing title in anon2002</strong>"),
    ),
    "bib-missing-file": (
        "<srcdir>/conf.py:4: WARNING: the bibliography file <srcdir>/missing.bib named in bibtex_bibfiles does not exist [edition.bib_file_missing]",
        ("Alpha, 2000", "Beta, 2001"),
    ),
    "bib-stray-at": (
        "<srcdir>/refs.bib:1: WARNING: \"@example.org\" starts no entry (it is not followed by a type, then '{' or '('); BibTeX reads every '@' as the start of an entry: remove it or complete the entry [edition.bib_syntax]",
        ("Alpha, 2000", "Beta, 2001"),
    ),
    "bib-syntax": (
        "<srcdir>/refs.bib:8: WARNING: entry \"gamma2002\" cannot be read completely: a ',' between two fields (or the closing '}') is missing before line 11; the rest of the entry is ignored: check the commas, '=' signs, braces and quotes [edition.bib_syntax]",
        ("Beta, 2001", "Gamma, n.d."),
    ),
    "bib-unclosed-brace": (
        "<srcdir>/refs.bib:8: WARNING: entry \"gamma2002\" is never closed: a '}' is missing, so it runs into the entry at line 15; the entry is left out until the brace is added [edition.bib_unbalanced_braces]",
        ("Beta, 2001",),
    ),
    "bib-undefined-string": (
        '<srcdir>/refs.bib:8: WARNING: entry "gamma2002" uses "blog" at line 11, which is no @string: put the value in braces ({...}) or define it with @string{blog = "..."} [edition.bib_syntax]',
        ("Beta, 2001", "Gamma, 2002"),
    ),
    "bib-unknown-type": (
        '<srcdir>/refs.bib:8: WARNING: entry "gamma2002" has the type @weblink, which the style "plain" cannot format; it is formatted as @misc meanwhile: use a known type (article, book, incollection, inproceedings, misc, online, phdthesis, techreport ...) [edition.bib_unknown_type]',
        ("Beta, 2001", "Gamma, 2002"),
    ),
    "bib-unused": (
        '<srcdir>/refs.bib:8: WARNING: the entry "gamma2002" is never cited: cite it where the text relies on it, or delete it [edition.citation_unused]',
        (),
    ),
    "bidi-name": (
        "<srcdir>/index.md:4: WARNING: the line contains the invisible direction control U+202E, which can make text display in another order than it is stored; it is left out of the output: delete it [edition.bidi_control]",
        ("Sergey Lavrov",),
    ),
    "citation-plaintext": (
        "<srcdir>/index.md:4: WARNING: the citation (Kubicek 2009; Valiyev 2019) is plain text: mark it up, e.g. {cite:p}`key` (several keys separated by commas), so that it links to the bibliography [edition.citation_unmarked]",
        (),
    ),
    "cite-missing-key": (
        '<srcdir>/index.md:3: WARNING: could not find bibtex key "gamma2002" [bibtex.key_not_found]',
        (),
    ),
    "claim-actors-empty": (
        "<srcdir>/index.md:10: WARNING: the claim names no actor: add actor=<id> with an actor from the register [edition.claim_no_actor]",
        ("praised the talks",),
    ),
    "claim-empty-text": (
        "<srcdir>/index.md:10: WARNING: the claim has no text: write the words attributed to the actor before the <...> options [edition.claim_malformed]",
        ("Alpha, 2000",),
    ),
    "claim-impossible-date": (
        "<srcdir>/index.md:10: WARNING: the claim's date '2021-02-29' is no day of the calendar; the claim is kept without a date [edition.claim_malformed]",
        ("praised the talks",),
    ),
    "claim-option-twice": (
        "<srcdir>/index.md:14: WARNING: the claim option 'actor' is given twice; only one of the values is used: delete the other [edition.claim_malformed]",
        ("The minister praised the talks.",),
    ),
    "claim-bad-status": (
        "<srcdir>/index.md:10: WARNING: unknown claim status 'false'; use one of: sourced, unsourced, verified, contested, corrected; the claim is kept with the default status [edition.claim_malformed]",
        (),
    ),
    "claim-duplicate-id": (
        "<srcdir>/index.md:10: WARNING: the claim id 'praise' is already used at index:10; give this claim another id= [edition.claim_duplicate_id]",
        (),
    ),
    "claim-misspelt-option": (
        "<srcdir>/index.md:10: WARNING: unknown claim option 'vreb' (did you mean 'verb'?); the options are: id, actor, verb, source, date, status, note, evidence, contradicts, supports, repeats, corrects, topic; the claim is kept without it [edition.claim_malformed]",
        ("praised the talks", 'id="claim-praise"'),
    ),
    "claim-no-actor": (
        "<srcdir>/index.md:10: WARNING: the claim names no actor: add actor=<id> with an actor from the register [edition.claim_no_actor]",
        (),
    ),
    "cite-near-key": (
        "<srcdir>/index.md:3: WARNING: could not find bibtex key \"alpha200\" (did you mean 'alpha2000'?) [bibtex.key_not_found]",
        (),
    ),
    "claim-near-source": (
        "<srcdir>/index.md:10: WARNING: the claim 'praised-the-talks' cites 'beta2010', which is no key in the .bib files (did you mean 'beta2001'?) [edition.claim_unknown_source]",
        (),
    ),
    "claim-unknown-actor": (
        "<srcdir>/index.md:10: WARNING: the claim 'praised-the-talks' names the unknown actor 'lavrof' (did you mean 'lavrov'?): declare it with the actor directive in the register, or use an existing id or alias [edition.claim_unknown_actor]",
        (),
    ),
    "claim-unknown-option": (
        "<srcdir>/index.md:10: WARNING: unknown claim option 'colour'; the options are: id, actor, verb, source, date, status, note, evidence, contradicts, supports, repeats, corrects, topic; the claim is kept without it [edition.claim_malformed]",
        (),
    ),
    "claim-unknown-source": (
        "<srcdir>/index.md:10: WARNING: the claim 'praised-the-talks' cites 'gamma2002', which is no key in the .bib files [edition.claim_unknown_source]",
        (),
    ),
    "conf-sys-exit": (
        "<srcdir>/conf.py:9: ERROR: conf.py calls sys.exit(), so Sphinx cannot read the settings: remove the call (nothing is built until then) [edition.conf_error]",
        (),
    ),
    "conf-syntax": (
        "<srcdir>/conf.py:9: ERROR: conf.py cannot be read: '(' was never closed; correct the Python syntax at this line (nothing is built until then) [edition.source_unreadable]",
        (),
    ),
    "directive-unknown": (
        "<srcdir>/index.md:8: WARNING: Unknown directive type: 'no-such-directive' [myst.directive_unknown]",
        (),
    ),
    "footnote-duplicate": (
        "<srcdir>/index.md:7: WARNING: the footnote [^note] is defined twice on this page (or its label is taken by another target); this definition is left out: merge the two, or give one a new label and update its references [edition.footnote_duplicate]",
        (),
    ),
    "footnote-undefined": (
        "<srcdir>/index.md:3: WARNING: the footnote [^other] is referenced here but never defined: add a line '[^other]: ...' with the note to this page, or remove the reference [edition.footnote_undefined]",
        (),
    ),
    "footnote-unreferenced": (
        "<srcdir>/index.md:7: WARNING: the footnote [^spare] is defined but never referenced: put [^spare] where the note belongs, or delete the definition [edition.footnote_unreferenced]",
        (),
    ),
    "label-duplicate": (
        '<srcdir>/index.md:6: WARNING: Duplicate explicit target name: "intro". [docutils]',
        (),
    ),
    "quote-too-deep": (
        "<srcdir>/index.md:48: WARNING: lists or block quotes are nested here deeper than the Markdown parser reads (20 levels, a list counting two and a quote one), so lines 48-50 are left out of the edition: nest less deeply (at most 9 list levels, or 19 quotes) [edition.nesting_too_deep]",
        ("quote 19", "Closing words."),
    ),
    "raw-html-br": (
        "<srcdir>/index.md:5: WARNING: raw HTML is not allowed in the edition's sources: '<br />'; use MyST markup or a directive instead (it is shown as plain text meanwhile) [edition.raw_html]",
        ("the second line,", "the third line."),
    ),
    "raw-html-block": (
        "<srcdir>/index.md:8: WARNING: raw HTML is not allowed in the edition's sources: '<div onclick=\"alert(1)\">Boxed</div>'; use MyST markup or a directive instead (it is shown as plain text meanwhile) [edition.raw_html]",
        (),
    ),
    "outside-include": (
        "<srcdir>/index.md:8: WARNING: the included file '../outside-shared/part.md' is outside the source folder and is left out of the edition: move the file into the source folder, or list its folder in edition_allowed_outside [edition.outside_source]",
        ("Alpha, 2000", "Beta, 2001"),
    ),
    "outside-include-absolute": (
        "<srcdir>/index.md:8: WARNING: the included file '../outside-shared/part.md' is outside the source folder and is left out of the edition: move the file into the source folder, or list its folder in edition_allowed_outside [edition.outside_source]",
        ("Alpha, 2000", "Beta, 2001"),
    ),
    "outside-include-link": (
        "<srcdir>/index.md:8: WARNING: the included file '../outside-shared/part.md' is outside the source folder and is left out of the edition: move the file into the source folder, or list its folder in edition_allowed_outside [edition.outside_source]",
        ("Alpha, 2000", "Beta, 2001"),
    ),
    "outside-include-rst": (
        "<srcdir>/index.rst:8: WARNING: the included file '../outside-shared/part.txt' is outside the source folder and is left out of the edition: move the file into the source folder, or list its folder in edition_allowed_outside [edition.outside_source]",
        ("Alpha, 2000", "Beta, 2001"),
    ),
    "outside-literalinclude": (
        "<srcdir>/index.md:8: WARNING: the included file '../outside-shared/code.py' is outside the source folder and is left out of the edition: move the file into the source folder, or list its folder in edition_allowed_outside [edition.outside_source]",
        ("Alpha, 2000", "Beta, 2001"),
    ),
    "outside-image": (
        "<srcdir>/index.md:8: WARNING: the image '../outside-shared/picture.png' is outside the source folder and is left out of the edition: move the file into the source folder, or list its folder in edition_allowed_outside [edition.outside_source]",
        ("Alpha, 2000", "Beta, 2001"),
    ),
    "outside-figure": (
        "<srcdir>/index.md:8: WARNING: the figure's image '../outside-shared/picture.png' is outside the source folder and is left out of the edition: move the file into the source folder, or list its folder in edition_allowed_outside [edition.outside_source]",
        ("Alpha, 2000", "Beta, 2001"),
    ),
    "outside-page-link": (
        "<srcdir>/outside.md:1: WARNING: the page 'outside' is a symbolic link to '../outside-shared/page.md', outside the source folder, and is left out of the edition: copy the file into the source folder, or list its folder in edition_allowed_outside [edition.outside_source]",
        ("Alpha, 2000", "Beta, 2001"),
    ),
    "raw-html-heading": (
        "<srcdir>/first.md:5: WARNING: raw HTML is not allowed in the edition's sources: '<img src=x onerror=alert(2)>'; use MyST markup or a directive instead (it is shown as plain text meanwhile) [edition.raw_html]",
        ("Alpha, 2000",),
    ),
    "raw-html-title": (
        "<srcdir>/first.md:1: WARNING: raw HTML is not allowed in the edition's sources: '<script>' (and 1 more HTML tag here); use MyST markup or a directive instead (it is shown as plain text meanwhile) [edition.raw_html]",
        ("First &lt;script&gt;alert(1)&lt;/script&gt; page",),
    ),
    "raw-html-inline": (
        "<srcdir>/index.md:3: WARNING: raw HTML is not allowed in the edition's sources: '<b onmouseover=\"alert(1)\">' (and 1 more HTML tag here); use MyST markup or a directive instead (it is shown as plain text meanwhile) [edition.raw_html]",
        (),
    ),
    "include-cycle": (
        "<srcdir>/index.md:8: WARNING: part.md (included here) includes itself at line 3 (directly or through the files it includes), which would repeat without end; the repeated inclusion is left out: remove the include that leads back [edition.include_cycle]",
        ("Part text.", "Alpha, 2000"),
    ),
    "include-self": (
        "<srcdir>/index.md:8: WARNING: the page includes itself (directly or through the files it includes), which would repeat without end; the repeated inclusion is left out: remove the include that leads back [edition.include_cycle]",
        ("Alpha, 2000", "Beta, 2001"),
    ),
    "source-bad-byte": (
        "<srcdir>/index.md:8: WARNING: the file is not valid utf-8-sig: a byte 0xe9 at line 8 cannot be read; save the file as utf-8-sig (the bad bytes are read as U+FFFD meanwhile) [edition.source_unreadable]",
        ("Caf\ufffd text.", "Alpha, 2000"),
    ),
    "toctree-cycle": (
        "<srcdir>/second.md:3: WARNING: the toctree lists 'index', which contains this page already (a toctree cycle: index > second > index); the entry is left out of the navigation: remove it [edition.toctree_cycle]",
        ("Alpha, 2000",),
    ),
    "claim-link-javascript": (
        "<srcdir>/index.md:14: WARNING: Markdown links to javascript: and data: addresses are refused (such a link could run script or carry content of its own) and shown as text, brackets and all; link to an http(s) address or remove the link [edition.link_scheme]",
        ("The minister praised [the talks](javascript:alert(1))", "[the readout](data:text/html"),
    ),
    "conf-import-error": (
        "<srcdir>/conf.py:5: ERROR: conf.py imports the module 'sphinx_no_such_theme', which is not installed: install it in the edition's environment, or remove the import (nothing is built until then) [edition.conf_error]",
        (),
    ),
    "conf-name-error": (
        "<srcdir>/conf.py:7: ERROR: conf.py stops with NameError: name 'project_title' is not defined; correct the Python at this line (nothing is built until then) [edition.conf_error]",
        (),
    ),
    "bidi-claim-note": (
        "<srcdir>/index.md:10: WARNING: the line contains the invisible direction control U+202E, which can make text display in another order than it is stored; it is left out of the output: delete it [edition.bidi_control]",
        ("praised the talks", "The readout is abridged"),
    ),
    "image-data-uri": (
        "<srcdir>/index.md:8: WARNING: the image 'data:image/png;base64,iVBORw0KGgoAAAANS…' is written into the page as a data: address, which the edition does not publish (no file of the project holds it, and an SVG so given can carry script); it is left out: save the image as a file in the source folder and name that file [edition.image_data_uri]",
        ("Alpha, 2000", "Beta, 2001", "A map"),
    ),
    "list-too-deep": (
        "<srcdir>/index.md:19: WARNING: lists or block quotes are nested here deeper than the Markdown parser reads (20 levels, a list counting two and a quote one), so lines 19-21 are left out of the edition: nest less deeply (at most 9 list levels, or 19 quotes) [edition.nesting_too_deep]",
        ("Alpha, 2000", "level 9"),
    ),
    "outside-csv-table": (
        "<srcdir>/index.md:8: WARNING: the table's file '../outside-shared/table.csv' is outside the source folder and is left out of the edition: move the file into the source folder, or list its folder in edition_allowed_outside [edition.outside_source]",
        ("Alpha, 2000", "Beta, 2001"),
    ),
    "outside-csv-url": (
        "<srcdir>/index.md:8: WARNING: the csv-table directive's :url: 'https://example.invalid/figures.csv' would fetch text from outside the project each time the edition is built; it is left out of the edition: save the text as a file in the source folder and name it with :file: [edition.outside_source]",
        ("Alpha, 2000", "Beta, 2001"),
    ),
    "outside-download": (
        "<srcdir>/index.md:8: WARNING: the file to download '../outside-shared/table.csv' is outside the source folder and is left out of the edition: move the file into the source folder, or list its folder in edition_allowed_outside [edition.outside_source]",
        ("Alpha, 2000", "data table", "is kept apart"),
    ),
    "outside-raw-file": (
        "<srcdir>/index.md:8: WARNING: the raw file '../outside-shared/snippet.html' is outside the source folder and is left out of the edition: move the file into the source folder, or list its folder in edition_allowed_outside [edition.outside_source]",
        ("Alpha, 2000", "Beta, 2001"),
    ),
    "role-unknown": (
        '<srcdir>/index.md:5: WARNING: Unknown interpreted text role "persn". [myst.role_unknown]',
        (),
    ),
    "toctree-missing": (
        "<srcdir>/index.md:5: WARNING: toctree contains reference to nonexisting document 'chapter-one' [toc.not_readable]",
        ("Alpha, 2000",),
    ),
    "verse-line-breaks": (None, ("the second line,<br />", "the third line.", "Alpha, 2000")),
    "xref-actor-near": (
        "<srcdir>/index.md:11: WARNING: no actor with the id or alias 'Russian MFS' in the actor register (did you mean 'Russian MFA'?) [ref.actor]",
        ("Alpha, 2000",),
    ),
    "xref-claim-near": (
        "<srcdir>/index.md:11: WARNING: no claim with the id 'geneva-prasie': see the claim index for the ids (did you mean 'geneva-praise'?) [ref.claim]",
        ("praised the talks",),
    ),
    "xref-doc": ("<srcdir>/index.md:3: WARNING: unknown document: 'no-such-page' [ref.doc]", ()),
    "xref-myst-anchor": (
        "<srcdir>/index.md:3: WARNING: 'myst' cross-reference target not found: 'no-such-anchor' [myst.xref_missing]",
        (),
    ),
    "xref-myst-file": (
        "<srcdir>/index.md:3: WARNING: 'myst' cross-reference target not found: 'no-such-page.md' [myst.xref_missing]",
        (),
    ),
    "xref-ref": ("<srcdir>/index.md:3: WARNING: undefined label: 'no-such-label' [ref.ref]", ()),
}


@dataclass
class CheckRun:
    """What one run of the check command produced."""

    status: int
    warnings: list[str]
    output: str
    srcdir: Path
    outdir: Path
    sources_before: dict[str, str]
    sources_after: dict[str, str]


def hash_tree(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root``, by relative path."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def run_check(root: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> CheckRun:
    """Copy ``tests/roots/test-<root>`` and run ``critical-edition check`` on the copy."""
    srcdir = tmp_path / "src"
    # Symbolic links stay links; the files outside the source folder some roots ask for sit
    # next to the copy, as next to the root.
    shutil.copytree(ROOTS / f"test-{root}", srcdir, symlinks=True)
    shutil.copytree(ROOTS / OUTSIDE, tmp_path / OUTSIDE)
    before = hash_tree(srcdir)
    outdir = tmp_path / "out"
    status = cli.main(["check", str(srcdir), "--out-dir", str(outdir)])
    captured = capsys.readouterr()
    output = strip_escape_sequences(captured.out + captured.err).replace(str(srcdir), "<srcdir>")
    warnings = [
        line for line in output.splitlines() if ": WARNING: " in line or ": ERROR: " in line
    ]
    return CheckRun(status, warnings, output, srcdir, outdir, before, hash_tree(srcdir))


@pytest.mark.parametrize("root", sorted(CASES))
def test_one_located_diagnostic(
    root: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exactly the expected warning, exit status 1, no traceback, sources untouched.

    A valid root (expected ``None``): no warning, exit status 0, and an empty report.
    """
    expected, survivors = CASES[root]
    run = run_check(f"broken-{root}", tmp_path, capsys)
    assert run.warnings == ([expected] if expected else [])
    assert run.status == (1 if expected else 0)
    assert "Traceback" not in run.output
    assert "Exception occurred" not in run.output
    assert run.sources_after == run.sources_before
    if survivors:
        html = (run.outdir / "html" / "index.html").read_text(encoding="utf-8")
        for text in survivors:
            assert text in html
    # Nothing hostile goes live: no script, event handler or javascript:/data: URL in any page,
    # no invisible direction control in a page or in claims.json (the copied sources aside).
    assert live_markup(run.outdir / "html") == []
    # Nothing from outside the source folder is published: no text of it, no copied image.
    for path in run.outdir.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".txt", ".md", ".json", ".js"}:
            assert OUTSIDE_TEXT not in path.read_text(encoding="utf-8", errors="replace"), path
    assert not list(run.outdir.rglob("picture*.png"))
    for page in [*(run.outdir / "html").glob("*.html"), *(run.outdir / "html").glob("*.json")]:
        assert not BIDI_CONTROLS.search(page.read_text(encoding="utf-8")), page.name

    # claims.json, where the build wrote one, keeps to the toolkit's own schema.
    claims_json = run.outdir / "html" / "claims.json"
    if claims_json.is_file():
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        jsonschema.validate(json.loads(claims_json.read_text(encoding="utf-8")), schema)
    report = json.loads((run.outdir / "report" / "integrity.json").read_text(encoding="utf-8"))
    sarif = json.loads((run.outdir / "report" / "integrity.sarif").read_text(encoding="utf-8"))
    if expected is None:
        assert report["findings"] == []
        assert sarif["runs"][0]["results"] == []
        return
    # The report lists the same finding, with file, line and rule, in JSON and in SARIF.
    location, _, rest = expected.partition(
        ": ERROR: " if ": ERROR: " in expected else ": WARNING: "
    )
    path, _, line = location.rpartition(":")
    rule = rest[rest.rindex("[") + 1 : -1]
    message = rest[: rest.rindex(" [")]
    [finding] = report["findings"]
    assert finding["rule"] == rule
    assert finding["line"] == int(line)
    assert finding["message"].replace(str(run.srcdir), "<srcdir>") == message
    assert finding["file"] == path.removeprefix("<srcdir>/")
    [result] = sarif["runs"][0]["results"]
    assert result["ruleId"] == rule
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == finding["file"]
    assert physical["region"]["startLine"] == int(line)


def test_enough_broken_roots() -> None:
    """The suite keeps at least 25 failure modes, and every broken root is in the table."""
    roots = {path.name.removeprefix("test-broken-") for path in ROOTS.glob("test-broken-*")}
    assert roots == set(CASES)
    assert len(CASES) >= 25


def test_allowed_outside_folder_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder listed in edition_allowed_outside may be included and shown: no diagnostic."""
    run = run_check("outside-allowed", tmp_path, capsys)
    assert run.warnings == []
    assert run.status == 0
    html = (run.outdir / "html" / "index.html").read_text(encoding="utf-8")
    # the included text, the literal include and the table
    assert html.count(OUTSIDE_TEXT) == 3
    assert list((run.outdir / "html" / "_images").glob("picture*.png"))
    assert list((run.outdir / "html" / "_downloads").rglob("table.csv"))


def test_ids_unique_across_the_edition(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Valid input, no diagnostic: ids never collide.

    The same unnamed claim on two pages gets two ids; a claim in a heading or a page title
    gives its id once (the navigation copies its words only); entries with Armenian and
    Cyrillic keys of the same year keep an anchor each under the quick-start's
    ``bibtex_cite_id = "bib-{key}"``, and their citations link to them.
    """
    run = run_check("ids-valid", tmp_path, capsys)
    assert run.warnings == []
    assert run.status == 0
    html = run.outdir / "html"
    data = json.loads((html / "claims.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    ids = [claim["id"] for claim in data]
    assert len(ids) == len(set(ids)) == 3
    for page in html.glob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        anchors = [str(tag["id"]) for tag in soup.find_all(id=True)]
        assert len(anchors) == len(set(anchors)), page.name
    index = BeautifulSoup((html / "index.html").read_text(encoding="utf-8"), "html.parser")
    entries = {str(tag["id"]) for tag in index.select(".citation[id^=bib-]")}
    assert len(entries) == 3
    cited = {str(a["href"]).partition("#")[2] for a in index.select(".bibtex-citation a, a.bibtex")}
    assert entries <= cited


def test_angle_brackets_in_a_quoted_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Valid input: ``<`` and ``>`` inside a quoted option value belong to the value."""
    run = run_check("claim-note-angle", tmp_path, capsys)
    assert run.warnings == []
    assert run.status == 0
    [claim] = json.loads((run.outdir / "html" / "claims.json").read_text(encoding="utf-8"))
    assert claim["text"] == "praised the talks"
    assert claim["actor_ids"] == ["lavrov"]
    assert claim["note"] == "More than 5 > 3 <and> 2 < 4, said he."
