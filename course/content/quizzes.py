"""Parse a quiz file into a frozen Quiz, reporting every problem with its line.

The format (documented in docs/authoring.md): each `## ` heading is a scenario
(or a scene of a conversation) with an optional `{#id}`; its choices are a task
list, `[x]` marking the best; a quote under a choice is its feedback; braces at
the end of a choice hold its behaviour tag and optionally `#id`; in a
conversation `-> scene-id` names the scene a choice leads to. Additions: `draw: N`
in the front matter makes a plain quiz a pool; `{tag!}` marks a tag/key disagreement
as intended; `{#id pass}` / `{#id fail}` gives a conversation's end scene its verdict.
"""
from __future__ import annotations

import hashlib
import re

from .frontmatter import Document, check_keys, split_front_matter
from .markdown import MD, render_inline, render_tokens, slugify
from .model import Choice, Quiz, Scenario
from .quiztypes import QUIZ_TYPES, DEFAULT_TYPE

QUIZ_KEYS = {"pass_score", "type", "draw"}
VERDICTS = ("pass", "fail")

_HEADING_ID = re.compile(r"\s*\{#([^}\s]*)((?:\s+[^}\s]+)*)\s*\}\s*$")
_BARE_VERDICT = re.compile(r"\s*\{\s*(pass|fail)\s*\}\s*$")
_CHECKBOX = re.compile(r"^\[( |x|X)\]\s+")
_ARROW = re.compile(r"\s*->\s*([^\s{}]+)\s*$")
_BRACES = re.compile(r"\s*\{([^{}]*)\}\s*$")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def choice_id_from_text(text: str) -> str:
    """A choice without an explicit id is named by its words: reordering keeps
    the id, rewording starts a new choice."""
    slug = slugify(text, max_length=48)
    if len(slugify(text, max_length=10_000)) > len(slug):
        slug = f"{slug}-{_hash(text)[:6]}"
    return slug or f"choice-{_hash(text)[:8]}"


def _split_sections(tokens):
    """Top-level tokens before the first h2, then one list per h2 section."""
    intro, sections, current = [], [], None
    for token in tokens:
        if token.type == "heading_open" and token.tag == "h2" and token.level == 0:
            current = [token]
            sections.append(current)
        elif current is None:
            intro.append(token)
        else:
            current.append(token)
    return intro, sections


def _blocks(tokens):
    """Group a flat token list into top-level blocks (each a balanced slice)."""
    blocks, depth, start = [], 0, 0
    for i, token in enumerate(tokens):
        depth += token.nesting
        if depth == 0:
            blocks.append(tokens[start:i + 1])
            start = i + 1
    return blocks


def _parse_choice(doc: Document, item_tokens, body_line: int, conversation: bool):
    """item_tokens: the tokens inside one list item (open/close excluded)."""
    line = body_line + (item_tokens[0].map[0] if item_tokens and item_tokens[0].map else 0)
    children = _blocks(item_tokens)
    if not children or children[0][0].type != "paragraph_open":
        doc.error(line, "a choice must start with '[ ]' or '[x]' and its text")
        return None
    raw = children[0][1].content.strip()
    mark = _CHECKBOX.match(raw)
    if not mark:
        doc.error(line, "a choice must start with '[ ]' or '[x]' (a task list item)")
        return None
    best = mark.group(1).lower() == "x"
    text = raw[mark.end():].strip()

    next_scene = None
    arrow = _ARROW.search(text)
    if arrow:
        next_scene, text = arrow.group(1), text[:arrow.start()]
    tag, choice_id, intended = "", None, False
    braces = _BRACES.search(text)
    if braces:
        text = text[:braces.start()]
        for word in braces.group(1).split():
            if word == "!":
                doc.error(line, "write the '!' right after the tag, without a space: {tell!}")
            elif word.startswith("#"):
                if choice_id is not None:
                    doc.error(line, "a choice has two ids in its braces")
                choice_id = word[1:]
                if not ID_PATTERN.match(choice_id):
                    doc.error(line, f"choice id '{choice_id}' must use lowercase letters, digits and hyphens")
            elif tag:
                doc.error(line, f"a choice has one behaviour tag; found '{tag}' and '{word}'")
            else:
                tag = word
                if tag.endswith("!"):
                    tag, intended = tag[:-1].rstrip("!"), True
    if next_scene is None:
        arrow = _ARROW.search(text)
        if arrow:
            next_scene, text = arrow.group(1), text[:arrow.start()]
    text = " ".join(text.split())
    if not text:
        doc.error(line, "a choice has no text")
        return None

    feedback_tokens = []
    for child in children[1:]:
        if child[0].type == "blockquote_open":
            feedback_tokens.extend(child[1:-1])
        else:
            child_line = body_line + (child[0].map[0] if child[0].map else 0)
            doc.error(child_line, "only a quoted feedback ('> ...') may sit under a choice")
    if not feedback_tokens:
        doc.error(line, f"choice '{_short(text)}' has no feedback: add a '> ...' line under it")
    if next_scene is not None and not conversation:
        doc.error(line, "'-> scene' only works in a conversation: add 'type: conversation' to the front matter")
    return Choice(
        id=choice_id or choice_id_from_text(text),
        text_html=render_inline(text),
        text=text,
        best=best,
        tag=tag,
        feedback_html=render_tokens(feedback_tokens) if feedback_tokens else "",
        line=line,
        next_scene=next_scene,
        tag_intended=intended,
    )


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _parse_section(doc: Document, section, body_lines, end_line_idx, tags, conversation):
    heading_open, inline = section[0], section[1]
    start = heading_open.map[0]
    line = doc.body_line + start
    title = inline.content.strip()
    explicit = _HEADING_ID.search(title)
    verdict = None
    if explicit:
        scenario_id, title = explicit.group(1), title[:explicit.start()].strip()
        if not ID_PATTERN.match(scenario_id):
            doc.error(line, f"scenario id '{scenario_id}' must use lowercase letters, digits and hyphens")
        words = explicit.group(2).split()
        if len(words) > 1:
            doc.error(line, f"a heading has one verdict after its id; found {' '.join(words)}")
        elif words and words[0] not in VERDICTS:
            doc.error(line, f"unknown verdict '{words[0]}' after the scene id: "
                            f"an end scene says {{#{scenario_id} pass}} or {{#{scenario_id} fail}}")
        elif words:
            verdict = words[0]
    else:
        bare = _BARE_VERDICT.search(title)
        if bare:
            doc.error(line, f"a verdict goes after the scene id: {{#scene-id {bare.group(1)}}}")
            title = title[:bare.start()].strip()
        scenario_id = slugify(title)
        doc.warn(line, f"scenario '{_short(title)}' has no {{#id}}: renaming its heading will start "
                       f"its history afresh (add {{#{scenario_id}}})")
    if not title:
        doc.error(line, "a scenario heading has no text")

    prompt_tokens, choices, seen_list = [], [], False
    for block in _blocks(section[3:]):
        first = block[0]
        block_line = doc.body_line + (first.map[0] if first.map else start)
        if first.type in ("bullet_list_open", "ordered_list_open"):
            if seen_list:
                doc.error(block_line, "a scenario has one list of choices; this is a second list")
                continue
            seen_list = True
            for item in _blocks(block[1:-1]):
                choice = _parse_choice(doc, item[1:-1], doc.body_line, conversation)
                if choice is not None:
                    choices.append(choice)
        elif seen_list:
            doc.error(block_line, "text after the choices: move it above them, or quote it under a choice as feedback")
        else:
            prompt_tokens.extend(block)

    if not prompt_tokens:
        doc.error(line, f"scenario '{_short(title)}' has no situation text under its heading")
    seen_ids = set()
    for choice in choices:
        if choice.id in seen_ids:
            doc.error(choice.line, f"duplicate choice id '{choice.id}' in scenario '{scenario_id}'")
        seen_ids.add(choice.id)
        if not choice.tag:
            doc.error(choice.line, f"choice '{_short(choice.text)}' has no behaviour tag: end it with e.g. {{ask}}")
        elif tags and choice.tag not in tags:
            doc.error(choice.line, f"unknown behaviour tag '{choice.tag}' (known: {', '.join(sorted(tags))})")
    source = "\n".join(l.rstrip() for l in body_lines[start:end_line_idx]).strip()
    return Scenario(
        id=scenario_id,
        title=title,
        prompt_html=render_tokens(prompt_tokens),
        choices=tuple(choices),
        content_hash=_hash(source),
        line=line,
        verdict=verdict,
    )


def _check_draw(doc: Document, draw: int, pool: int, branching: bool):
    """The checked `draw`, or None when it cannot be used."""
    line = doc.line_of("draw")
    if branching:
        doc.error(line, "draw only works in a plain scenarios quiz: a conversation is one path, not a pool")
        return None
    if draw > pool:
        doc.error(line, f"draw: {draw} asks for more scenarios than the quiz has ({pool})")
        return None
    if pool < draw + 2:
        doc.warn(line, f"the pool has {pool} scenario(s) for draw: {draw}; write at least {draw + 2} "
                       f"so a retake shows scenarios the learner has not seen")
    return draw


def parse_quiz(path: str, text: str, course_slug: str, lesson_slug: str,
               tags: dict, default_pass_score: float = 0.75):
    """Returns (quiz or None, problems)."""
    doc = split_front_matter(path, text, required=False)
    check_keys(doc, QUIZ_KEYS, set())
    quiz_type_name = doc.meta.get("type", DEFAULT_TYPE)
    if quiz_type_name not in QUIZ_TYPES:
        doc.error(doc.line_of("type"), f"unknown quiz type '{quiz_type_name}' "
                                       f"(known: {', '.join(sorted(QUIZ_TYPES))})")
        quiz_type_name = DEFAULT_TYPE
    quiz_type = QUIZ_TYPES[quiz_type_name]
    pass_score = doc.meta.get("pass_score", default_pass_score)
    if isinstance(pass_score, bool) or not isinstance(pass_score, (int, float)) or not 0 < pass_score <= 1:
        doc.error(doc.line_of("pass_score"), f"pass_score must be a number above 0 and at most 1, not {pass_score!r}")
        pass_score = default_pass_score

    draw = doc.meta.get("draw")
    if "draw" in doc.meta and (isinstance(draw, bool) or not isinstance(draw, int) or draw < 1):
        doc.error(doc.line_of("draw"), f"draw must be a whole number of scenarios, 1 or more, not {draw!r}")
        draw = None

    tokens = MD.parse(doc.body)
    intro, sections = _split_sections(tokens)
    body_lines = doc.body.split("\n")
    scenarios, seen = [], {}
    for i, section in enumerate(sections):
        end = sections[i + 1][0].map[0] if i + 1 < len(sections) else len(body_lines)
        scenario = _parse_section(doc, section, body_lines, end, tags, quiz_type.branching)
        if scenario.id in seen:
            doc.error(scenario.line, f"duplicate scenario id '{scenario.id}' (first used on line {seen[scenario.id]})")
        else:
            seen[scenario.id] = scenario.line
        scenarios.append(scenario)
    if not scenarios:
        doc.error(doc.body_line, "the quiz has no scenarios: each starts with a '## ' heading")
    if draw is not None:
        draw = _check_draw(doc, draw, len(scenarios), quiz_type.branching)

    quiz = Quiz(
        course_slug=course_slug,
        lesson_slug=lesson_slug,
        type=quiz_type_name,
        pass_score=float(pass_score),
        intro_html=render_tokens(intro) if intro else "",
        scenarios=tuple(scenarios),
        content_hash=_hash(text),
        path=path,
        draw=draw,
    )
    quiz_type.check(quiz, doc)
    return quiz, doc.problems
