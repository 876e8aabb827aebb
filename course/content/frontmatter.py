"""Split YAML front matter from a Markdown file, keeping line numbers."""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from .model import Problem


@dataclass
class Document:
    path: str
    meta: dict
    key_lines: dict           # front matter key -> line number in the file
    body: str
    body_line: int            # file line number of the body's first line
    problems: list = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message, "warning"))

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


def split_front_matter(path: str, text: str, required: bool = True) -> Document:
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        doc = Document(path, {}, {}, text, 1)
        if required:
            doc.error(1, "missing front matter: the file must start with a '---' line")
        return doc
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        doc = Document(path, {}, {}, "", len(lines))
        doc.error(1, "front matter is not closed: add a '---' line after it")
        return doc
    yaml_text = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1:])
    doc = Document(path, {}, {}, body, end + 2)
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
        meta = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        doc.error(line, f"front matter is not valid YAML: {problem}")
        return doc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        doc.error(2, "front matter must be a set of 'key: value' lines")
        return doc
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            doc.key_lines[str(key_node.value)] = 2 + key_node.start_mark.line
    doc.meta = meta
    return doc


def check_keys(doc: Document, allowed: set[str], required: set[str]) -> None:
    for key in doc.meta:
        if key not in allowed:
            doc.error(doc.line_of(str(key)),
                      f"unknown front matter key '{key}' (allowed: {', '.join(sorted(allowed))})")
    for key in sorted(required):
        if key not in doc.meta or doc.meta[key] in (None, ""):
            doc.error(1, f"front matter is missing '{key}'")
