r"""Prompts, hints and feedback to safe HTML: Markdown with `$…$`/`$$…$$` math left for KaTeX.

Markdown is rendered with raw HTML disabled and the result is sanitised again, so neither an
author nor a parameter can inject markup or script. Math is emitted as escaped TeX in
`<span class="math">` (or `class="math display"`), which static/tangent/app.js renders with KaTeX;
for pages shown elsewhere (Open edX, whose MathJax reads `\(…\)` inline and `\[…\]` display),
`math="mathjax"` writes those delimiters instead. Code spans are literal, `$` included (answers
are quoted in messages as code spans).
"""

from __future__ import annotations

import functools
import html
import json
import re
from typing import Any

import nh3
from markdown_it import MarkdownIt

from grader.params import params_key
from grader.placeholders import fill

_markdown = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "typographer": False}
).enable("table")
_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?![\s$])([^$]+?)(?<!\s)\$(?!\d)", re.DOTALL)
# A code span (CommonMark: a run of backticks up to the next run as long, within a paragraph).
_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)((?:(?!\n[ \t]*\n).)+?)(?<!`)\1(?!`)", re.DOTALL)
_TOKEN = "\ue000{}\ue001"  # noqa: S105 - a placeholder, not a password
_CODE_TOKEN = "\ue002{}\ue003"  # noqa: S105
_PLACEHOLDERS = str.maketrans("", "", "\ue000\ue001\ue002\ue003")
_ALLOWED_TAGS = {
    "p",
    "em",
    "strong",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "br",
    "hr",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
    "div",
}


# A lone surrogate (JSON may carry one, "\ud800") is not text: shown as U+FFFD, as NUL is.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def render_markdown(text: str, params: dict[str, Any] | None = None, *, math: str = "katex") -> str:
    """Markdown (with parameters filled in) to sanitised HTML; math kept for KaTeX, or written
    between MathJax's delimiters with `math="mathjax"`.

    The result is a pure function of the text and the parameters, and every page of a variant
    renders the same prompt, labels and hints again (a `[[tex: …]]` placeholder parses its
    expression each time), so each process keeps the texts it rendered recently.
    """
    key = params_key(params) if params else ""
    if len(text) > CACHED_TEXT_MAX:  # long feedback (a learner's traceback): not worth keeping
        return _rendered.__wrapped__(text, key, math)
    return _rendered(text, key, math)


CACHED_TEXT_MAX = 4000  # characters: bounds what the cache below may hold


@functools.lru_cache(maxsize=2048)
def _rendered(text: str, params_json: str, math: str) -> str:
    if params_json:
        text = fill(text, json.loads(params_json))
    text = _LONE_SURROGATE.sub("\ufffd", text).translate(_PLACEHOLDERS)
    codes: list[str] = []  # code spans are literal: no math in them

    def keep(match: re.Match[str]) -> str:
        codes.append(match.group())
        return _CODE_TOKEN.format(len(codes) - 1)

    def restore(stashed: str) -> str:
        for index, code in enumerate(codes):
            stashed = stashed.replace(_CODE_TOKEN.format(index), code)
        return stashed

    text = _CODE_SPAN.sub(keep, text)
    maths: list[str] = []

    def stash(match: re.Match[str]) -> str:
        display = match.group(1) is not None
        tex = html.escape(restore(match.group(1) if display else match.group(2)).strip())
        if math == "mathjax":
            maths.append(f"\\[{tex}\\]" if display else f"\\({tex}\\)")
        else:
            css = "math display" if display else "math"
            maths.append(f'<span class="{css}">{tex}</span>')
        return _TOKEN.format(len(maths) - 1)

    rendered = _markdown.render(restore(_MATH.sub(stash, text)))
    for index, snippet in enumerate(maths):
        rendered = rendered.replace(_TOKEN.format(index), snippet)
    return nh3.clean(
        rendered,
        tags=_ALLOWED_TAGS,
        attributes={"span": {"class"}, "div": {"class"}, "a": {"href", "title"}, "code": {"class"}},
        url_schemes={"http", "https", "mailto"},
    )
