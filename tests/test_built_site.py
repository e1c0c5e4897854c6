"""The built documentation site, read as a browser shows it.

Runs on a site built by ``mkdocs build`` (``scripts/test.sh`` builds it, then runs this file
with ``FAD_BUILT_SITE=build/site``); without that variable the module is skipped, so a
plain ``pytest`` never judges a stale build. Each page's visible text must not show
markdown or reST that failed to render (literal code fences, HTML comments, ``:func:``
roles); every code block is highlighted; every page is in the navigation; every image and
script is served by the site itself (figures present, MathJax local, nothing from a CDN).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

SITE = (
    Path(os.environ.get("FAD_BUILT_SITE", "")).resolve() if "FAD_BUILT_SITE" in os.environ else None
)
pytestmark = pytest.mark.skipif(SITE is None, reason="set FAD_BUILT_SITE to a built site")

_INVISIBLE = {"script", "style", "title", "head"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip


@dataclass
class Page:
    """What a check needs from one HTML file."""

    text: list[str] = field(default_factory=list)  # visible text nodes
    pre_in_highlight: list[bool] = field(default_factory=list)  # per <pre>
    python_blocks: list[str] = field(default_factory=list)  # inner HTML of python code
    srcs: list[str] = field(default_factory=list)  # img/script src
    nav_links: list[str] = field(default_factory=list)  # hrefs in the primary navigation
    has_math: bool = False


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, str]] = []  # (tag, class)
        self.python_depth: int | None = None
        self.python_parts: list[str] = []

    def _classes(self) -> str:
        return " ".join(c for _, c in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        cls = a.get("class", "")
        if tag in ("img", "script") and a.get("src"):
            self.page.srcs.append(a["src"])
        if tag == "a" and "md-nav--primary" in self._classes() and a.get("href"):
            self.page.nav_links.append(a["href"])
        if "arithmatex" in cls:
            self.page.has_math = True
        if tag == "pre":
            self.page.pre_in_highlight.append("highlight" in self._classes())
        if self.python_depth is not None:
            self.python_parts.append(self.get_starttag_text() or "")
        if tag not in _VOID:
            self.stack.append((tag, cls))
            if tag == "code" and "language-python" in self._classes() and self.python_depth is None:
                self.python_depth = len(self.stack)
                self.python_parts = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        while self.stack:
            t, _ = self.stack.pop()
            if self.python_depth is not None and len(self.stack) < self.python_depth:
                self.page.python_blocks.append("".join(self.python_parts))
                self.python_depth = None
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.python_depth is not None:
            self.python_parts.append(data)
        if not any(t in _INVISIBLE for t, _ in self.stack):
            self.page.text.append(data)


def read(path: Path) -> Page:
    r = _Reader()
    r.feed(path.read_text())
    return r.page


def _html_pages() -> list[Path]:
    if SITE is None:
        return []
    skip = ("assets/", "search/")
    return sorted(
        p for p in SITE.rglob("*.html")
        if p.name != "404.html" and not p.relative_to(SITE).as_posix().startswith(skip)
    )  # fmt: skip


PAGES = _html_pages()


def _id(p: Path) -> str:
    assert SITE is not None
    return p.relative_to(SITE).as_posix()


def test_site_was_built() -> None:
    assert SITE is not None and (SITE / "index.html").is_file(), f"no site at {SITE}"
    assert len(PAGES) >= 20
    # Code blocks carry their language (pymdownx.highlight's pygments_lang_class), which
    # the highlighting check needs to find the python ones.
    assert len(read(SITE / "getting-started" / "index.html").python_blocks) >= 8


@pytest.mark.parametrize("path", PAGES, ids=_id)
def test_nothing_unrendered_shows(path: Path) -> None:
    text = "".join(read(path).text)
    for bad, what in (
        ("```", "a literal code fence (a fence markdown did not recognize)"),
        ("<!--", "an HTML comment shown as text"),
    ):
        i = text.find(bad)
        assert i < 0, f"{_id(path)} shows {what}: ...{text[max(0, i - 80) : i + 80]!r}..."
    m = re.search(r":(func|class|meth|attr|mod|data|exc|obj):`?", text)
    assert m is None, f"{_id(path)} shows a raw reST role: {text[m.start() - 60 : m.end() + 40]!r}"


@pytest.mark.parametrize("path", PAGES, ids=_id)
def test_code_blocks_are_highlighted(path: Path) -> None:
    page = read(path)
    assert all(page.pre_in_highlight), f"{_id(path)}: a <pre> outside a highlighted block"
    for html in page.python_blocks:
        assert "<span" in html, f"{_id(path)}: a python block without highlighting: {html[:200]}"


def test_every_page_is_in_the_navigation() -> None:
    assert SITE is not None
    index = SITE / "index.html"
    linked = {
        (SITE / urlparse(urljoin("/", href)).path.lstrip("/")).resolve()
        for href in read(index).nav_links
        if not urlparse(href).scheme and not href.startswith("#")
    }
    linked = {p / "index.html" if p.is_dir() else p for p in linked} | {index.resolve()}
    missing = [_id(p) for p in PAGES if p.resolve() not in linked]
    assert not missing, f"pages not reachable from the navigation: {missing}"


@pytest.mark.parametrize("path", PAGES, ids=_id)
def test_images_and_scripts_are_served_by_the_site(path: Path) -> None:
    page = read(path)
    for src in page.srcs:
        url = urlparse(src)
        assert not url.scheme and not src.startswith("//"), (
            f"{_id(path)} loads {src} from elsewhere"
        )
        target = (path.parent / url.path).resolve()
        assert target.is_file(), f"{_id(path)} refers to {src}, which the site lacks"
    if page.has_math:
        assert any(s.endswith("mathjax/tex-svg.js") for s in page.srcs), f"{_id(path)}: no MathJax"


def test_figures_are_drawn() -> None:
    assert SITE is not None
    docs = Path(__file__).resolve().parent.parent / "docs"
    scripts = {p.stem for p in (docs / "figures").glob("*.py") if not p.name.startswith("_")}
    drawn = {p.stem for p in (SITE / "figures").glob("*.svg")}
    assert scripts and scripts <= drawn, f"figures not in the site: {sorted(scripts - drawn)}"
