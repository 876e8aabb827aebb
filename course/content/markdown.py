"""The one configured Markdown renderer.

CommonMark with raw HTML disabled (it is escaped, never passed through),
tables, heading anchors and callout containers. markdown-it's link validator
already refuses `javascript:`, `vbscript:` and most `data:` URLs.
"""
from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin

# Callout containers trainers may use, with the title readers see.
CALLOUTS = {
    "takeaway": "Takeaway",
    "tip": "Tip",
    "example": "Example",
    "note": "Note",
}


def slugify(text: str, max_length: int = 60) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text.lower()).strip("-")
    if len(text) > max_length:
        text = text[:max_length].rsplit("-", 1)[0] or text[:max_length]
    return text


def _callout_renderer(name: str, title: str):
    def render(self, tokens, idx, options, env):
        if tokens[idx].nesting == 1:
            return (f'<aside class="callout callout-{name}" aria-label="{escapeHtml(title)}">\n'
                    f'<p class="callout-title">{escapeHtml(title)}</p>\n')
        return "</aside>\n"
    return render


def build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    # Front matter is split off before rendering (see frontmatter.py), so no plugin is needed.
    for name, title in CALLOUTS.items():
        container_plugin(md, name, render=_callout_renderer(name, title))
    anchors_plugin(md, min_level=2, max_level=3, slug_func=slugify)
    return md


MD = build_markdown()


def render(text: str) -> str:
    return MD.render(text)


def render_inline(text: str) -> str:
    return MD.renderInline(text)


def render_tokens(tokens, env=None) -> str:
    return MD.renderer.render(tokens, MD.options, env or {})
