"""The one reader of the book's MyST pages that the build's tools share: the prose ⇄ data checker, the
claims ledger, the editions' staleness, the catalogue extractor and the reader-notebook writer.

It is the MyST parser the build itself uses (``myst_parser`` on ``markdown-it-py``), so every tool sees a
page's blocks as Sphinx does: front matter, code cells, directives (whose content is read again as
MyST, with its line numbers in the page), MyST comments (``% fact: …``), targets (``(label)=``),
headings, paragraphs, list items and tables. Line numbers are 1-based, as editors show them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

#: The MyST extensions the book enables (``_config.yml``, ``myst_enable_extensions``).
EXTENSIONS = {"colon_fence", "deflist", "substitution", "tasklist"}
#: Fenced directives whose content is not prose (code, outputs, generated tables).
NON_PROSE = {"code-cell", "glue:md", "nb-exec-table", "bibliography", "code", "math"}
#: Directives whose content the tools read as one passage: a glossary's entries are in each edition's
#: alphabetical order, so they are checked, and translated, as a whole.
ONE_PASSAGE = {"glossary"}


@dataclass
class Part:
    kind: str   # front_matter, code_cell, directive, fence, comment, target, heading, paragraph, item, table, …
    start: int  # first line (1-based)
    end: int    # last line (inclusive)
    text: str   # the source lines, as written
    name: str = ""           # a directive's name ("admonition", "code-cell"), or a fence's language
    argument: str = ""       # what follows the directive's name on its first line
    body_start: int = 0      # the first line of a directive's content, after its options
    body: str = ""           # that content
    parts: list["Part"] = field(default_factory=list)  # a directive's content, read as MyST


@lru_cache(maxsize=1)
def _parser():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    md = create_md_parser(MdParserConfig(enable_extensions=EXTENSIONS), RendererHTML)
    md.disable("inline")  # the tools read blocks; inline markup is the build's business
    return md


def _directive(info: str) -> tuple[str, str]:
    info = info.strip()
    if info.startswith("{") and "}" in info:
        name, _, arg = info[1:].partition("}")
        return name.strip(), arg.strip()
    return "", info


def parse(text: str, first_line: int = 1, nested: bool = True) -> list[Part]:
    """The blocks of a MyST page (or of a directive's content starting at ``first_line``), in order.
    List items are parts of their own (a list is not); a directive's content is read again as MyST
    (``nested``), except a code cell's and a plain fence's."""
    return list(_parse(text, first_line, nested))


@lru_cache(maxsize=512)
def _parse(text: str, first_line: int, nested: bool) -> tuple[Part, ...]:  # a page is read by several tools
    lines = text.split("\n")
    out: list[Part] = []
    tokens = _parser().parse(text)
    for t in tokens:
        if t.map is None:
            continue
        a, b = t.map
        src = "\n".join(lines[a:b]).rstrip()
        start = first_line + a
        end = start + src.count("\n")  # the last line written, not a blank one after it
        if t.type == "list_item_open" and t.level == 1:  # an item of a top-level list
            out.append(Part("item", start, end, src))
            continue
        if t.type == "dt_open" and t.level == 1:  # a term of a definition list, with its definitions
            out.append(Part("term", start, end, src))
            continue
        if t.type == "dd_open" and t.level == 1 and out and out[-1].kind == "term":
            out[-1].text = "\n".join(lines[out[-1].start - first_line:b]).rstrip()
            out[-1].end = out[-1].start + out[-1].text.count("\n")
            continue
        if t.level > 0:
            continue
        if t.type == "front_matter":
            out.append(Part("front_matter", start, end, src))
        elif t.type in ("fence", "colon_fence"):
            name, arg = _directive(t.info)
            kind = "code_cell" if name == "code-cell" else "directive" if name else "fence"
            body = t.content.split("\n")
            options = 0
            while options < len(body) and body[options].startswith(":") and not body[options].startswith("::"):
                options += 1
            if options and options < len(body) and not body[options].strip():
                options += 1  # the blank line after the options
            # the content starts on the line after the opening fence, then the options
            body_start = start + 1 + options
            content = "\n".join(body[options:]).rstrip("\n")
            part = Part(kind, start, end, src, name or t.info.strip(), arg, body_start, content)
            if kind == "directive" and nested:
                part.parts = parse(content, body_start)
            out.append(part)
        elif t.type == "myst_line_comment":
            for i, line in enumerate(lines[a:b]):  # one part per comment line
                out.append(Part("comment", start + i, start + i, line))
        elif t.type == "myst_target":
            out.append(Part("target", start, end, src))
        elif t.type == "heading_open":
            out.append(Part("heading", start, end, src))
        elif t.type == "paragraph_open":
            out.append(Part("paragraph", start, end, src))
        elif t.type == "table_open":
            out.append(Part("table", start, end, src))
        elif t.type in ("blockquote_open", "html_block", "hr", "math_block"):
            out.append(Part(t.type.removesuffix("_open"), start, end, src))
    return tuple(out)


def code_cells(text: str) -> list[tuple[int, str]]:
    """(line of the first code line, code) of each ``{code-cell}`` of a MyST page (its options dropped)."""
    return [(p.body_start, p.body) for p in parse(text, nested=False) if p.kind == "code_cell"]


def walk(parts: list[Part]):
    """Every part, a directive's content after the directive."""
    for p in parts:
        yield p
        yield from walk(p.parts)
