"""Reading HTML as a browser (or a screen reader) would: form fields, text, tables.

Three ways to turn HTML into something to compare:
- `text_of(page)`: the visible words of a page or response (scripts and styles dropped);
- `plain(fragment)`: an HTML fragment's words, tags dropped and entities decoded;
- `unescaped_html(response)`: the page's HTML source with entities decoded, tags kept.
"""
from __future__ import annotations

import html as htmllib
import re
from html.parser import HTMLParser


class Inputs(HTMLParser):
    """Every <input> of a page (attributes as a dict), and each <label for=...>'s text."""

    def __init__(self):
        super().__init__()
        self.inputs, self.labels, self._label_for, self._label_text = [], {}, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input":
            self.inputs.append(attrs)
        elif tag == "label":
            self._label_for, self._label_text = attrs.get("for"), []

    def handle_data(self, data):
        if self._label_for is not None:
            self._label_text.append(data)

    def handle_endtag(self, tag):
        if tag == "label" and self._label_for is not None:
            self.labels[self._label_for] = " ".join("".join(self._label_text).split())
            self._label_for = None


def parse_inputs(html: str) -> Inputs:
    parser = Inputs()
    parser.feed(html)
    return parser


def inputs(html: str) -> list[dict]:
    return parse_inputs(html).inputs


def hidden_fields(html: str) -> dict:
    """The hidden fields a browser would send back with the page's form."""
    return {i["name"]: i.get("value", "") for i in inputs(html) if i.get("type") == "hidden" and i.get("name")}


def radio_groups(html: str) -> dict:
    """{radio group name: [values, in page order]}"""
    groups: dict = {}
    for i in inputs(html):
        if i.get("type") == "radio":
            groups.setdefault(i["name"], []).append(i["value"])
    return groups


def text_of(response_or_html) -> str:
    """The visible text of a page (a response or its HTML), on one line."""
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split()).replace(" .", ".").replace(" ,", ",")


def plain(html_fragment: str) -> str:
    """An HTML fragment's words: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html_fragment)).split())


def unescaped_html(response) -> str:
    """The response's HTML with its entities decoded (tags kept)."""
    return htmllib.unescape(response.get_data(as_text=True))


VOID = {"br", "input", "img", "meta", "link", "hr", "col", "source", "wbr", "rect", "line"}


class Tables(HTMLParser):
    """Every <table> of a page as rows of cells; text hidden with aria-hidden is left out,
    visually-hidden text (read by screen readers) is kept."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tables, self._open_tables, self._stack = [], [], []
        self._row = self._cell = None
        self._caption = False
        self.feed(html)

    def _hidden(self):
        return bool(self._stack) and self._stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in VOID:
            self._stack.append((tag, self._hidden() or attrs.get("aria-hidden") == "true"))
        if tag == "table":
            table = {"class": attrs.get("class", ""), "caption": "", "rows": []}
            self.tables.append(table)
            self._open_tables.append(table)
        elif tag == "caption":
            self._caption = True
        elif tag == "tr" and self._open_tables:
            self._row = {"class": attrs.get("class", ""), "cells": []}
            self._open_tables[-1]["rows"].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = {"tag": tag, "class": attrs.get("class", ""), "parts": []}
            self._row["cells"].append(self._cell)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self._stack:
            if self._stack.pop()[0] == tag:
                break
        if tag == "table" and self._open_tables:
            self._open_tables.pop()
        elif tag == "caption":
            self._caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._cell["text"] = " ".join(" ".join(self._cell["parts"]).split())
            self._cell = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._hidden():
            return
        if self._caption and self._open_tables:
            self._open_tables[-1]["caption"] += data.strip()
        elif self._cell is not None and data.strip():
            self._cell["parts"].append(data.strip())

    def table(self, css_class=None, caption=None):
        for table in self.tables:
            if css_class and css_class in table["class"].split():
                return table
            if caption and table["caption"] == caption:
                return table
        raise AssertionError(f"no table {css_class or caption!r}")
