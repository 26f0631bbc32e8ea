"""What readers take away to run: each chapter as a notebook that reads and runs anywhere, and the
helper package as a small wheel the book publishes beside the notebooks.

* :func:`reader_notebook`: the executed chapter (``_build/jupyter_execute``), with its prose readable in
  any Jupyter: glue values resolved to their text, citations as numbered links into the bibliography,
  glossary terms, page references and correction notes as plain links, MyST directives (admonitions,
  cards, dropdowns, list tables) as Markdown and HTML; the set-up and figure cells collapsed
  (``source_hidden``), not removed; a first cell that installs the helper package when it is missing.
* :func:`build_wheel`: ``explainer-<version>-py3-none-any.whl``, the helper package with the book's data,
  sources, table of contents and chapter texts inside (``explainer/book/``), and the runtime dependencies
  from ``pyproject.toml``. Written directly as a zip (no build tool, no network), byte-reproducible.
"""
from __future__ import annotations

import ast
import base64
import hashlib
import html
import io
import re
import tomllib
import zipfile
from pathlib import Path

from explainer.i18n import N_, tr

#: The first cell of every reader notebook. ``{book_url!r}`` is the book's published address ('' when
#: the build did not know it); EXPLAINER_BOOK_URL overrides it where the notebook runs.
SETUP_CELL = '''\
# {comment}
import importlib, importlib.util, os, subprocess, sys
if importlib.util.find_spec("explainer") is None:
    book_url = os.environ.get("EXPLAINER_BOOK_URL") or {book_url!r}
    if not book_url:
        raise RuntimeError({message!r})
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    book_url.rstrip("/") + "/notebooks/{wheel}"], check=True)
    importlib.invalidate_caches()
'''
#: What the set-up cell says to its reader, in the notebook's language.
SETUP_COMMENT = N_("Set-up: when the book's helper package is not installed (e.g. on Colab), install it from the "
                   "book's site: a small wheel with the package, the book's data and its sources. Running this "
                   "again does nothing.")
SETUP_MESSAGE = N_("Set EXPLAINER_BOOK_URL to the book's web address (the page you downloaded this notebook from, "
                   "without 'notebooks/...'), then run this cell again.")


def setup_cell(book_url: str, wheel: str) -> str:
    """The set-up cell's code, its comment and message in the language the notebook is written in."""
    import textwrap

    comment = "\n# ".join(textwrap.wrap(tr(SETUP_COMMENT), 100))
    return SETUP_CELL.format(comment=comment, book_url=book_url, message=tr(SETUP_MESSAGE), wheel=wheel)


HIDDEN_TAGS = {"remove-cell", "remove-input", "hide-input", "hide-cell"}
ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")


# --------------------------------------------------------------------------- MyST → plain Markdown
class Context:
    """What the conversion needs to know about the book: its address, glue values, citation numbers."""

    def __init__(self, base: str, glue: dict | None = None, citations: dict | None = None,
                 titles: dict | None = None, corrections: dict | None = None, docname: str = ""):
        self.base = base  # the site's root: the book's address, or a path relative to the notebook
        self.glue = glue or {}
        self.citations = citations or {}
        self.titles = titles or {}
        self.corrections = corrections or {}
        self.docname = docname

    def url(self, path: str) -> str:
        return self.base + path.lstrip("/")

    def page(self, target: str) -> str:
        """A {doc} target (relative to the current page, or absolute from the root) as a site path."""
        target = target.strip()
        if target.startswith("/"):
            name = target[1:]
        else:
            folder = self.docname.rsplit("/", 1)[0] if "/" in self.docname else ""
            parts = [p for p in (folder + "/" + target).split("/") if p and p != "."]
            out: list[str] = []
            for p in parts:
                if p == "..":
                    if out:
                        out.pop()
                else:
                    out.append(p)
            name = "/".join(out)
        return name.removesuffix(".md")


def glue_text(output: dict) -> str:
    """A glued value as the book prints it: strings without their quotes."""
    data = output.get("data", {})
    if "text/markdown" in data:
        return data["text/markdown"]
    text = data.get("text/plain", "")
    try:
        value = ast.literal_eval(text)
        return value if isinstance(value, str) else text
    except (ValueError, SyntaxError):
        return text


def _label_target(text: str) -> tuple[str, str]:
    m = re.fullmatch(r"\s*(.*?)\s*<([^<>]+)>\s*", text, re.S)
    return (m.group(1), m.group(2)) if m else ("", text.strip())


def resolve_roles(text: str, ctx: Context) -> str:
    """Every MyST role in ``text`` as plain Markdown (values, links or words)."""
    from explainer.text import format_date

    def _sub(m):
        role, arg = m.group(1), m.group(2)
        if role in ("glue:text", "glue", "glue:md"):
            name = arg.split(":", 1)[0].strip()
            if name not in ctx.glue:
                raise KeyError(f"{ctx.docname}: no glued value {name!r}")
            return glue_text(ctx.glue[name])
        if role.startswith("cite"):
            links = []
            for key in [k.strip() for k in arg.split(",") if k.strip()]:
                label = ctx.citations.get(key, key)
                links.append(f"[{label}]({ctx.url('chapters/bibliography.html')}#{key})")
            return "[" + ", ".join(links) + "]"
        if role == "term":
            label, target = _label_target(arg)
            term = target or label
            from sphinx.util.nodes import _make_id  # the glossary's own anchors ("acusación" → "acusacion")

            return f"[{label or term}]({ctx.url('chapters/glossary.html')}#{_make_id('term-' + term)})"
        if role == "doc":
            label, target = _label_target(arg)
            name = ctx.page(target)
            return f"[{label or ctx.titles.get(name, name)}]({ctx.url(name + '.html')})"
        if role == "asof":
            return format_date(arg.strip())
        if role == "correction":
            when = ctx.corrections.get(arg.strip(), "")
            return f"([Corrected on {when}]({ctx.url('chapters/corrections.html')}#{arg.strip()}))"
        label, _ = _label_target(arg)
        return label or arg

    return ROLE.sub(_sub, text)


def _list_table(body: list[str], header_rows: int) -> str:
    rows: list[list[str]] = []
    for line in body:
        if line.startswith("* - "):
            rows.append([line[4:].strip()])
        elif line.startswith("  - ") and rows:
            rows[-1].append(line[4:].strip())
        elif line.startswith("    ") and rows:
            rows[-1][-1] += " " + line.strip()
    # a line that ends with a backslash is a line break in MyST; a Markdown table cell holds it as <br>
    rows = [[re.sub(r"\\(\s+|$)", "<br>", c) for c in r] for r in rows]
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    head = rows[0] if header_rows else [""] * width
    body_rows = rows[1:] if header_rows else rows
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * width]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in body_rows]
    return "\n".join(out)


def _quote(title: str, body: str) -> str:
    lines = ([f"**{title}**", ""] if title else []) + body.splitlines()
    return "\n".join(("> " + ln).rstrip() for ln in lines)


def resolve_directives(text: str, ctx: Context) -> str:
    """MyST directives in ``text`` as Markdown (and a little HTML) any Jupyter renders. The directives are
    found by the build's one MyST reader (:mod:`bookbuild.myst`)."""
    from bookbuild import myst

    lines = text.splitlines()
    out: list[str] = []
    at = 0  # the next line of ``lines`` to copy
    for part in myst.parse(text, nested=False):
        if part.kind != "directive":
            continue
        out.extend(lines[at:part.start - 1])
        name, arg = part.name, part.argument
        options = {}
        for line in lines[part.start:part.body_start - 1]:  # between the fence and the content
            if line.startswith(":"):
                key, _, value = line[1:].partition(":")
                options[key.strip()] = value.strip()
        body = part.body.split("\n")
        inner = resolve_directives(part.body.strip("\n"), ctx)
        if name == "list-table":
            block = _list_table(body, int(options.get("header-rows", "0") or 0))
        elif name == "dropdown":
            block = f"<details><summary>{html.escape(arg)}</summary>\n\n{inner}\n\n</details>"
        elif name in ("grid",):
            block = inner
        elif name in ("grid-item-card", "admonition", "note", "tip", "important", "warning", "caution",
                      "attention", "seealso"):
            block = _quote(arg or name.capitalize() if name != "grid-item-card" else arg, inner)
        elif name.startswith("glue"):
            key = arg.strip()
            block = resolve_directives(glue_text(ctx.glue[key]), ctx) if key in ctx.glue else ""
        else:
            block = inner
        out.extend(["", block, ""])
        at = part.end
    out.extend(lines[at:])
    return "\n".join(out)


#: A MyST target line, ``(origins-aragua)=``: Sphinx's anchor for the heading below, shown by Jupyter as text.
TARGET_LINE = re.compile(r"^\s*\([^()\s]+\)=\s*$")
#: A Markdown link (not an image) whose target is neither absolute nor a place in the notebook.
RELATIVE_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\((?![a-z][a-z0-9+.-]*:|#|//)[^)\s]+\)")


def reader_markdown(text: str, ctx: Context) -> str:
    """A MyST Markdown cell as plain Markdown: comments (``% fact:`` lines) and target lines dropped,
    directives and roles resolved. Links into the book lead to the published book when its address is
    known; otherwise (a local build) they are left as their text, since a notebook opened anywhere else
    could not follow a path relative to the site."""
    text = "\n".join(ln for ln in text.splitlines()
                     if not ln.lstrip().startswith("%") and not TARGET_LINE.match(ln))
    text = resolve_roles(resolve_directives(text, ctx), ctx)
    text = re.sub(r"\]\((?!https?:|#|mailto:)([^)\s]+?)\.md(#[^)]*)?\)",
                  lambda m: f"]({ctx.url(ctx.page(m.group(1)) + '.html')}{m.group(2) or ''})", text)
    if not re.match(r"https?://", ctx.base):
        text = RELATIVE_LINK.sub(lambda m: m.group(1), text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def markdown_to_html(text: str) -> str:
    """Markdown (tables included) as HTML, for outputs that only MyST would render."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


# --------------------------------------------------------------------------- the notebook
def reader_notebook(executed, ctx: Context, wheel: str, book_url: str):
    """The reader's copy of an executed chapter (an nbformat notebook; changed in place and returned)."""
    import nbformat

    from explainer.offline import inline_assets

    nb = executed
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = reader_markdown(cell.source, ctx)
            continue
        tags = set(cell.metadata.get("tags", []))
        if tags & HIDDEN_TAGS:
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
        # glue records are for the book's build (the prose now holds their values)
        cell.outputs = [o for o in cell.get("outputs", [])
                        if not all(k.startswith("application/papermill.record/") for k in o.get("data", {"-": 0}))]
        for out in cell.outputs:
            data = out.get("data")
            if data and "srcdoc=" in data.get("text/html", ""):  # a map: its code inside, for offline use
                data["text/html"] = re.sub(
                    r'srcdoc="([^"]*)"',
                    lambda m: 'srcdoc="%s"' % html.escape(inline_assets(html.unescape(m.group(1))), quote=True),
                    data["text/html"])
            if data and "text/markdown" in data:
                md = reader_markdown(data.pop("text/markdown"), ctx)
                data["text/html"] = markdown_to_html(md)
        cell.metadata.pop("mystnb", None)
        cell.metadata.pop("execution", None)
    setup = nbformat.v4.new_code_cell(setup_cell(book_url, wheel))
    setup.metadata["jupyter"] = {"source_hidden": True}
    setup.metadata["tags"] = ["remove-cell"]
    nb.cells.insert(0, setup)
    for key in list(nb.metadata):
        if key not in ("kernelspec", "language_info"):
            nb.metadata.pop(key)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    return nb


# --------------------------------------------------------------------------- the wheel
BUNDLE = ("data", "references.bib", "_toc.yml", "intro.md", "chapters", "locale", "es")
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(root: Path, out_dir: Path) -> Path:
    """The helper package, with the book's files (from the book at ``root``) under ``explainer/book/``, as
    a wheel in ``out_dir``."""
    import explainer

    package = Path(explainer.__file__).resolve().parent
    project = tomllib.loads((package.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name, version = project["name"], project["version"]
    files: dict[str, bytes] = {}
    for p in sorted(package.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            files["explainer/" + p.relative_to(package).as_posix()] = p.read_bytes()
    for item in BUNDLE:
        src = root / item
        for p in sorted(src.rglob("*") if src.is_dir() else [src] if src.exists() else []):
            if p.is_file() and "__pycache__" not in p.parts:
                files[f"explainer/book/{p.relative_to(root).as_posix()}"] = p.read_bytes()
    info = f"{name}-{version}.dist-info"
    meta = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}",
            f"Summary: {project.get('description', '')}",
            f"Requires-Python: {project.get('requires-python', '')}"]
    meta += [f"Requires-Dist: {d}" for d in project.get("dependencies", [])]
    files[f"{info}/METADATA"] = ("\n".join(meta) + "\n").encode()
    files[f"{info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: explainer-book\nRoot-Is-Purelib: true\n"
                              b"Tag: py3-none-any\n")
    files[f"{info}/top_level.txt"] = b"explainer\n"
    record = "".join(f"{path},{_record_hash(data)},{len(data)}\n" for path, data in files.items())
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}-{version}-py3-none-any.whl"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in files.items():
            zi = zipfile.ZipInfo(path, FIXED_TIME)
            zi.external_attr = 0o644 << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    target.write_bytes(buf.getvalue())
    return target
