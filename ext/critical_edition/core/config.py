"""Configuration: every ``edition_*`` setting declared once, validated at ``config-inited``.

Each field of :class:`EditionConfig` is one setting: its type, default, help text and rebuild
kind. :func:`register` adds them to Sphinx; :func:`validate` checks the user's values once and
falls back to the default with a located warning; code reads the validated object through
:func:`get_config`. The reference table in the documentation is generated from these fields.
"""

from __future__ import annotations

import os
from dataclasses import MISSING, Field, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sphinx.errors import ConfigError

from critical_edition.core.diagnostics import Subtype, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

PREFIX = "edition_"

RebuildKind = Literal["env", "html", ""]


def _setting(default: Any, rebuild: RebuildKind, help: str) -> Any:
    metadata = {"rebuild": rebuild, "help": help}
    if isinstance(default, dict):
        # A dict default would be shared and mutable: each object gets its own copy.
        return field(default_factory=lambda: dict(default), metadata=metadata)
    return field(default=default, metadata=metadata)


def default_of(f: Field[Any]) -> Any:
    """A setting's default value (a fresh copy for a dict setting)."""
    if f.default is not MISSING:
        return f.default
    if f.default_factory is not MISSING:
        return f.default_factory()
    return None


@dataclass(frozen=True)
class EditionConfig:
    """The toolkit's settings, each registered as ``edition_<name>`` in ``conf.py``."""

    claims_json: str = _setting(
        "claims.json",
        "",
        "File name, relative to the HTML output directory, of the claims export "
        "(a JSON array, one object per claim). Empty to disable.",
    )
    lint_attributions: bool = _setting(
        True,
        "env",
        "Run the attribution linter, which warns about statements that look attributed to "
        "someone but are not marked as claims.",
    )
    reporting_verbs: tuple[str, ...] = _setting(
        (),
        "env",
        "Extra reporting verbs for the attribution linter, in addition to the built-in list.",
    )
    lint_documents: tuple[str, ...] = _setting(
        (),
        "env",
        "Glob patterns of the documents the attribution linter reads (e.g. the text's pages). "
        "Empty: every document except the toolkit's listing pages, those holding a claim "
        "index, an actor or register entry or list, the apparatus, the chronology or the "
        "bibliography.",
    )
    lint_exclude_documents: tuple[str, ...] = _setting(
        (),
        "env",
        "Glob patterns of documents the attribution linter does not read, even when "
        "edition_lint_documents names them (an editors' introduction, say). Empty: none.",
    )
    index_documents: tuple[str, ...] = _setting(
        (),
        "env",
        "Glob patterns of the documents whose claims the claim index, the register and "
        "claims.json list (e.g. the text's pages, leaving out a guide's examples); empty: "
        "every document.",
    )
    witness_mode: bool = _setting(
        False,
        "env",
        "Render the witness's reading: emendations show the original, editorial additions, "
        "footnote markers and notes are left out. Used by the fidelity test.",
    )
    report_dir: str = _setting(
        "",
        "",
        "Directory (relative to the output directory) where the integrity report is written "
        "as JSON and SARIF. Empty: the report files are not written.",
    )
    # --- integrity checks (rawhtml.py, citelint.py) ---
    allowed_outside: tuple[str, ...] = _setting(
        (),
        "env",
        "Folders outside the source folder (relative to it, e.g. ``../shared``) whose files "
        "pages may include or show. Empty: an include, literalinclude, image or figure of a "
        "file outside the source folder, or a page linked from outside it, is left out.",
    )
    allow_raw_html: bool = _setting(
        False,
        "env",
        "Accept raw HTML in the sources (MyST HTML blocks, inline HTML, the raw directive). "
        "Off: each is reported and rendered as escaped text, never as live HTML.",
    )
    lint_citations: bool = _setting(
        True,
        "env",
        "Warn about author-year citations such as ``(Garibov 2020)`` left as plain text.",
    )
    # --- link check (linkreport.py) ---
    linkcheck_block_private: bool = _setting(
        True,
        "",
        "SSRF guard of the linkcheck builder: links to private, loopback, link-local or local "
        "hosts are not requested, and redirects to IP-literal or local hosts are not followed. "
        "Turn off only to check links to a test server on 127.0.0.1.",
    )
    linkcheck_doi_resolver: str = _setting(
        "https://doi.org/",
        "",
        "Prefix that turns the doi field of a .bib entry into the link the link check requests.",
    )
    linkcheck_unverified_fails: bool = _setting(
        True,
        "",
        "Whether a link check that finds no broken link but some unreachable or timed-out ones "
        "fails (exit status 3) or passes (0); the report says UNVERIFIED either way.",
    )
    # --- the apparatus (apparatus.py, registers.py, chronology.py, bibstatus.py) ---
    editorial_footnote_prefix: str = _setting(
        "ed-",
        "env",
        "Footnote labels starting with this prefix are the editors' notes: the bibliography's "
        "backlinks count citations in them as the editors', not the authors', and such a "
        "footnote next to a claim is never taken for the authors' source. Empty: none.",
    )
    editorial_documents: tuple[str, ...] = _setting(
        (),
        "env",
        "Glob patterns of the documents written wholly by the editors (an 'about' page): the "
        "bibliography's backlinks count the citations there as the editors'.",
    )
    apparatus_documents: tuple[str, ...] = _setting(
        (),
        "env",
        "Glob patterns of the documents of the edition proper, whose emendations, notes, "
        "mentions, dates and citations the apparatus pages list (apparatus, registers, "
        "chronology, general index, bibliography backlinks); markup elsewhere (a guide's "
        "examples) renders but is not listed. Empty: every document.",
    )
    passage_documents: tuple[str, ...] = _setting(
        (),
        "env",
        "Glob patterns of the documents whose paragraphs get citable anchors (``p-<page>-<n>``, "
        "counting the witness's paragraphs only) and a number in the margin. Empty: the "
        "documents of edition_index_documents, or none when that is empty too; ``['*']``: "
        "every document.",
    )
    bibliography_backlinks: bool = _setting(
        True,
        "env",
        "List under each bibliography entry every place of the edition that cites it, across "
        "pages, and show its verification status as a badge.",
    )

    # --- the edition as data (outputs/jsonld.py, meta.py, csljson.py) ---
    # _setting gives a dict setting a default_factory (RUF009 sees only the call).
    original: dict[str, Any] = _setting(  # noqa: RUF009
        {},
        "html",
        "The edited text's own bibliographic description, for the pages' metadata (JSON-LD "
        "isBasedOn, citation_* tags, the citation block): keys title, authors (a list), venue, "
        "date (ISO 8601), doi, url, issn; any may be left out. Empty: no such metadata.",
    )
    editors: str = _setting(
        "",
        "html",
        "The editors as the edition credits them: the editor in the pages' metadata and the "
        "author of the editors' reviews of claims (JSON-LD ClaimReview).",
    )
    date: str = _setting(
        "",
        "html",
        "Publication date of this version of the edition (ISO 8601: YYYY, YYYY-MM or "
        "YYYY-MM-DD), for the pages' metadata. Empty: not stated.",
    )
    license: str = _setting(
        "",
        "html",
        "Address (URL) of the licence of the edition, for the pages' metadata. Empty: not "
        "stated (the copyright notice is given either way).",
    )
    csl_json: str = _setting(
        "bibliography.csl.json",
        "",
        "File name, relative to the HTML output directory, of the bibliography as CSL-JSON "
        "(one item per entry of the .bib files). Empty to disable.",
    )

    @classmethod
    def names(cls) -> list[str]:
        """The full setting names, as written in ``conf.py``."""
        return [PREFIX + f.name for f in fields(cls)]


def register(app: Sphinx) -> None:
    """Register every setting with Sphinx."""
    for f in fields(EditionConfig):
        default = default_of(f)
        # A list setting has a tuple default (the dataclass is frozen); conf.py writes a list,
        # which Sphinx accepts (and turns into a tuple) only when both types are declared.
        types = (list, tuple) if isinstance(default, tuple) else ()
        app.add_config_value(
            PREFIX + f.name,
            default,
            f.metadata["rebuild"],
            types=types,
            description=f.metadata["help"],
        )


def _accepts(annotation: str, value: Any) -> bool:
    if annotation == "bool":
        return isinstance(value, bool)
    if annotation == "str":
        return isinstance(value, str)
    if annotation.startswith("dict[str"):
        return isinstance(value, dict) and all(isinstance(k, str) for k in value)
    if annotation.startswith("tuple[str"):
        return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
    return True


def validate(app: Sphinx, config: Config) -> None:
    """Check the user's values; warn and fall back to the default when one is wrong.

    Connected to ``config-inited``. A missing required setting stops the build instead.
    """
    require_bibliography(config)
    for f in fields(EditionConfig):
        name = PREFIX + f.name
        value = getattr(config, name)
        if not _accepts(str(f.type), value):
            warn(
                f"{name} = {value!r} is not a valid {f.type}; using the default {default_of(f)!r}.",
                Subtype.CONFIG_INVALID,
                None,
            )
            setattr(config, name, default_of(f))


def require_bibliography(config: Config) -> None:
    """Stop the build with a sentence saying what to set when no bibliography is configured.

    Claims, citations and their checks need ``bibtex_bibfiles``; without it sphinxcontrib-bibtex
    would stop later, at ``builder-inited``, with a bare extension error and a traceback.

    :raises ConfigError: when ``bibtex_bibfiles`` is not set, or is not a list.
    """
    bibfiles = getattr(config, "bibtex_bibfiles", None)
    if bibfiles is None:
        raise ConfigError(
            "critical_edition needs a bibliography: set bibtex_bibfiles in conf.py to the list "
            'of your .bib files, for example bibtex_bibfiles = ["refs.bib"] (paths are relative '
            "to conf.py; an empty refs.bib will do to start with)."
        )
    if not isinstance(bibfiles, list | tuple):
        raise ConfigError(
            f"bibtex_bibfiles = {bibfiles!r} must be a list of .bib files, for example "
            'bibtex_bibfiles = ["refs.bib"].'
        )


def get_config(config: Config) -> EditionConfig:
    """The toolkit's settings of the running build, as one typed object."""
    values: dict[str, Any] = {}
    for f in fields(EditionConfig):
        value = getattr(config, PREFIX + f.name)
        values[f.name] = tuple(value) if isinstance(value, list) else value
    return EditionConfig(**values)


def is_markdown(config: Config, path: str | os.PathLike[str]) -> bool:
    """Whether *path* is read as Markdown by this project (its suffix mapped to ``markdown``
    in ``source_suffix``: ``.md``, and ``.markdown`` or any other a project adds)."""
    suffixes: Any = config.source_suffix
    return isinstance(suffixes, dict) and suffixes.get(Path(path).suffix) == "markdown"
