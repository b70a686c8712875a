"""Turn plain text, Markdown or HTML into a title and a list of blocks (paragraphs).

Pure functions over strings. HTML goes through BeautifulSoup (lxml); Markdown
is rendered to HTML by markdown-it-py first, so both share one walker. Script,
style and template elements hold code, not article text, and are the only
content left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import InputError

FORMATS = {
    ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
}

_BLOCK_KINDS = {
    **{f"h{i}": "heading" for i in range(1, 7)},
    "p": "text", "li": "item", "blockquote": "text", "figcaption": "caption",
    "pre": "text", "td": "text", "th": "text", "dt": "text", "dd": "text",
    "caption": "caption", "div": "text", "section": "text", "article": "text",
    "header": "text", "footer": "text", "nav": "text", "aside": "text", "main": "text",
    "figure": "text", "ul": "text", "ol": "text", "table": "text", "tr": "text",
    "body": "text", "form": "text", "address": "text", "dl": "text",
}
_SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Block:
    """One paragraph-level unit of a document."""

    text: str
    kind: str = "text"  # text | heading | item | caption


@dataclass(frozen=True)
class ParsedText:
    """Blocks in reading order; ``title`` when the format names one."""

    blocks: list[Block]
    title: str | None = None


def format_of(path: Path) -> str:
    """The input format of a file, from its extension."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path}: unsupported file type {path.suffix or '(none)'}; "
            f"use one of {', '.join(sorted(FORMATS))}"
        )
    return fmt


def parse(text: str, fmt: str) -> ParsedText:
    """Parse ``text`` of format ``text``, ``markdown`` or ``html``."""
    if fmt == "text":
        return parse_plain(text)
    if fmt == "markdown":
        return parse_markdown(text)
    if fmt == "html":
        return parse_html(text)
    raise InputError(f"unknown format {fmt!r}")


def parse_plain(text: str) -> ParsedText:
    """Plain text: paragraphs as the segmenter's paragraph rule finds them."""
    from workbench.segment import split_paragraphs

    return ParsedText([Block(p) for p in split_paragraphs(text) if p.strip()])


def parse_markdown(text: str) -> ParsedText:
    """Markdown: rendered to HTML (CommonMark), then read like HTML."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    tokens = md.parse(text)
    limit = md.options["maxNesting"]
    if _depth(tokens) >= limit:  # markdown-it drops whatever lies deeper: refuse, not lose
        raise InputError(f"Markdown nested {limit} or more levels deep (quotes, lists or "
                         "emphasis); the text below that depth would be lost, so flatten it")
    return parse_html(md.renderer.render(tokens, md.options, {}))


def _depth(tokens: list) -> int:
    """The deepest nesting level of markdown-it tokens and their inline children."""
    deepest, todo = 0, list(tokens)
    while todo:
        token = todo.pop()
        deepest = max(deepest, token.level)
        todo.extend(token.children or ())
    return deepest


def parse_html(text: str) -> ParsedText:
    """HTML: one block per innermost block element, text of inline elements joined."""
    from bs4 import BeautifulSoup, Comment, NavigableString, Tag

    soup = BeautifulSoup(text, "lxml")
    title_tag = soup.find("title")
    title = _clean(title_tag.get_text(" ")) if title_tag else None
    blocks: list[Block] = []
    buf: list[str] = []
    kinds: list[str] = ["text"]

    def flush() -> None:
        chunk = _clean("".join(buf))
        buf.clear()
        if chunk:
            blocks.append(Block(chunk, kinds[-1]))

    def walk(root: Tag) -> None:
        # An explicit stack, not recursion: hostile pages nest tens of thousands deep.
        stack: list[tuple[Iterator, bool]] = [(iter(root.children), False)]
        while stack:
            children, is_block = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if is_block:
                    flush()
                    kinds.pop()
                continue
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                buf.append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in _SKIP:
                continue
            if child.name == "br":
                flush()
                continue
            if child.name == "img":
                alt = _clean(child.get("alt") or "")
                if alt:
                    flush()
                    blocks.append(Block(alt, "caption"))
                continue
            kind = _BLOCK_KINDS.get(child.name)
            if kind is None:  # inline element
                stack.append((iter(child.children), False))
                continue
            flush()
            kinds.append(kind if kind != "text" else kinds[-1] if kinds[-1] == "item" else "text")
            stack.append((iter(child.children), True))

    walk(soup.body or soup)
    flush()
    if title is None:
        heading = next((b.text for b in blocks if b.kind == "heading"), None)
        title = heading
    return ParsedText(blocks, title)


def _clean(text: str) -> str:
    return _WS.sub(" ", text).strip()
