"""The quality check's word lists: `quizzes/quality.yml`, or built-in defaults.

The file is optional. Each of its keys is optional too (a missing key keeps
the built-in list); a key that is present replaces that list, so a trainer
extends a list by copying it and adding words.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional

import yaml

from ..model import Problem

QUALITY_FILE = "quizzes/quality.yml"

# Words that mark the "coaching-sounding" choice.
DEFAULT_KEYWORDS = (
    "ask", "asks", "asking", "what", "how", "curious", "listen", "listening", "together",
    "explore", "understand", "invite", "wonder", "notice", "thoughts", "perspective",
)
# People outside the conversation a choice can hand the matter to.
DEFAULT_THIRD_PARTIES = (
    "manager", "managers", "line manager", "supervisor", "supervisors", "HR", "human resources",
    "boss", "engineer", "engineers", "maintenance", "director", "team lead", "team leader",
    "facilities", "safety officer", "compliance",
)
# Phrases that start a justifying clause ("..., because ...").
DEFAULT_JUSTIFYING = (
    "because", "since", "so that", "as it", "as they", "as that", "given that",
    "which is why", "that way",
)

LISTS = ("keywords", "third_parties", "justifying")


@dataclass(frozen=True)
class QualitySettings:
    """Word lists the cues use. Phrases match as whole words, ignoring case."""
    keywords: tuple[str, ...] = DEFAULT_KEYWORDS
    third_parties: tuple[str, ...] = DEFAULT_THIRD_PARTIES
    justifying: tuple[str, ...] = DEFAULT_JUSTIFYING
    path: Optional[str] = None            # the file read; None: built-in defaults
    problems: tuple[Problem, ...] = ()    # what is wrong with the file (level "error")


def load_settings(content_dir: str) -> QualitySettings:
    """Read CONTENT_DIR/quizzes/quality.yml; a missing file means the defaults."""
    full = os.path.join(content_dir, QUALITY_FILE)
    if not os.path.exists(full):
        return QualitySettings()
    with open(full, encoding="utf-8") as fh:
        return parse_settings(fh.read())


def parse_settings(text: str, path: str = QUALITY_FILE) -> QualitySettings:
    """Settings from the text of a quality.yml; each problem names its line."""
    problems: list[Problem] = []
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        message = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return QualitySettings(path=path, problems=(Problem(path, line, f"not valid YAML: {message}"),))
    if node is None:
        return QualitySettings(path=path)
    if not isinstance(node, yaml.MappingNode):
        return QualitySettings(path=path, problems=(Problem(
            path, node.start_mark.line + 1, "expected 'keywords:', 'third_parties:' and 'justifying:' lists"),))

    values = {}
    for key_node, value_node in node.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if key not in LISTS:
            problems.append(Problem(path, line, f"unknown key '{key}' (allowed: {', '.join(LISTS)})"))
            continue
        if not isinstance(value_node, yaml.SequenceNode):
            problems.append(Problem(path, line, f"'{key}' must be a list of words or phrases ('  - ...')"))
            continue
        items = []
        for item in value_node.value:
            word = item.value if isinstance(item, yaml.ScalarNode) else None
            if not isinstance(word, str) or not word.strip() or item.tag != "tag:yaml.org,2002:str":
                problems.append(Problem(path, item.start_mark.line + 1,
                                        f"each entry of '{key}' is a word or phrase, not {_show(item)}"))
                continue
            items.append(" ".join(word.split()))
        values[key] = tuple(items)
    return QualitySettings(
        keywords=values.get("keywords", DEFAULT_KEYWORDS),
        third_parties=values.get("third_parties", DEFAULT_THIRD_PARTIES),
        justifying=values.get("justifying", DEFAULT_JUSTIFYING),
        path=path,
        problems=tuple(problems),
    )


def _show(node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return repr(node.value) if node.value else "an empty entry"
    return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
