"""Plain-text helpers for the cues: words, phrases, the takeaway, people's names."""
from __future__ import annotations

import html
import re
from typing import Iterable, Optional

_BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|h[1-6]|blockquote|aside|div|table|tr|td|th|pre|br|hr)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")
_TAKEAWAY = re.compile(r'<aside class="callout callout-takeaway"[^>]*>(.*?)</aside>', re.S)
_CALLOUT_TITLE = re.compile(r'<p class="callout-title">.*?</p>', re.S)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_LETTERS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
# What may stand just before a word that starts a sentence (after spaces and * or _).
_SENTENCE_BREAK = set(".!?:;\n…\"“”‘'([—–")

STOP_WORDS = frozenset("""
a about after again all also am an and any are as at be been before being both but by can
could did do does doing done down each even for from get gets got had has have having he her
here hers him his how i if in into is it its just let lets like may me might more most much my
no nor not now of off on once one only or other our ours out over own same she should so some
still such than that the their theirs them then there these they this those through to too
under until up us very was we were what when where which while who whom why will with would
yet you your yours yourself i'm i'll i've i'd it's that's don't can't won't let's you're
you've they're we're isn't doesn't didn't
""".split())

# Capitalised words that are not people: calendar words, nationalities, tools.
NOT_NAMES = frozenset("""
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
June July August September October November December Christmas Easter Ramadan Diwali Eid
Mr Mrs Ms Mx Dr Sir Madam OK Okay Internet English British American Australian Canadian
European African Asian Indian Chinese Japanese Korean Filipino Brazilian Mexican French
German Spanish Italian Dutch Polish Portuguese Nigerian Kenyan Ghanaian Irish Scottish Welsh
Excel Slack Zoom Teams Google Microsoft Outlook Jira Toyota Kanban Gemba Kaizen Andon Lean
""".split())
# Between two capitalised words, these still make one proper noun ("Center for Creative Leadership").
_CONNECTORS = frozenset("of for the de da do dos van von der den la le al el bin".split())
# A capitalised word right after these is a place or a thing, not a person
# ("in Lagos", "the Harvard researcher", "a Kanban board").
_NOT_PERSON_BEFORE = frozenset("in near outside across the a an".split())
_NUMBER_AFTER = re.compile(r"[ \t]+\d")    # "Year 5", "Ward 7": a label, not a name


def plain_text(fragment_html: str) -> str:
    """Rendered HTML back to text; every block ends a line."""
    text = _BLOCK_TAG.sub("\n", fragment_html)
    return normalise(html.unescape(_TAG.sub("", text)))


def normalise(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'")


def takeaway_text(body_html: str) -> str:
    """The text of a lesson's takeaway callout(s), without the callout's title."""
    return " ".join(plain_text(_CALLOUT_TITLE.sub("", m.group(1))) for m in _TAKEAWAY.finditer(body_html))


def phrase_pattern(phrases: Iterable[str]) -> Optional[re.Pattern]:
    """One regex matching any phrase as whole words, ignoring case; None for no phrases."""
    parts = sorted({r"\s+".join(map(re.escape, normalise(p).split())) for p in phrases if p.strip()},
                   key=len, reverse=True)
    if not parts:
        return None
    return re.compile(r"(?<![\w'])(?:" + "|".join(parts) + r")(?![\w'])", re.I)


def _stem(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def content_words(text: str) -> frozenset:
    """Lower-case words without stop words, plural and possessive -s removed."""
    return frozenset(_stem(w) for w in _WORD.findall(normalise(text).lower()) if w not in STOP_WORDS)


def _is_capitalised(word: str) -> bool:
    letters = word.replace("'", "")
    return (len(letters) > 1 and letters[0].isupper() and letters[1:].islower()
            and not word.startswith("I'"))


def _base(word: str) -> str:
    return word[:-2] if word.endswith("'s") else word


def _tokens(text: str):
    return [(m.group(0), m.start(), m.end()) for m in _LETTERS.finditer(text)]


def _adjacent(text: str, left, right) -> bool:
    return text[left[2]:right[1]].strip(" \t") == ""


def _name_uses(text: str):
    """(word, mid_sentence, in_proper_noun, not_a_person) for each capitalised word.

    A capitalised word that starts a sentence, a line or a quotation is not
    mid-sentence; runs of capitalised words ("Harvard Business School", "Amy
    Edmondson") are proper nouns, counted from the first mid-sentence word."""
    tokens = _tokens(text)
    mid = []
    for word, start, _ in tokens:
        before = text[:start].rstrip(" \t*_")
        mid.append(bool(before) and before[-1] not in _SENTENCE_BREAK)
    in_run = set()
    for i, token in enumerate(tokens):
        if not (mid[i] and _is_capitalised(token[0])):
            continue
        k = i + 1
        while k < len(tokens) and tokens[k][0] in _CONNECTORS and _adjacent(text, tokens[k - 1], tokens[k]):
            k += 1
        if k < len(tokens) and _is_capitalised(tokens[k][0]) and _adjacent(text, tokens[k - 1], tokens[k]):
            in_run |= {i, k}
    for i, (word, _, end) in enumerate(tokens):
        if not _is_capitalised(word):
            continue
        after = (i > 0 and tokens[i - 1][0].lower() in _NOT_PERSON_BEFORE
                 and _adjacent(text, tokens[i - 1], tokens[i]) and not word.endswith("'s"))
        label = bool(_NUMBER_AFTER.match(text, end))
        yield _base(word), mid[i], i in in_run, after or label


def capitalised_words(text: str) -> set:
    """Every Capitalised word (first letter upper case, the rest lower case)."""
    return {word for word, _, _, _ in _name_uses(normalise(text))}


def lowercase_words(text: str) -> set:
    return {w for w, _, _ in _tokens(normalise(text)) if w.islower()}


def proper_names(texts: Iterable[str], exclude: Iterable[str] = ()) -> set:
    """Words used as people's names in `texts`: capitalised in the middle of a
    sentence somewhere on their own (not inside a longer proper noun such as
    "Harvard Business School"), never written in lower case, never right after
    "in", "the" or "a" (a place or a thing) nor before a number ("Year 5"), not a
    calendar word, nationality or tool (NOT_NAMES), not in `exclude`."""
    texts = [normalise(t) for t in texts]
    lower, names, not_names = set(), set(), set()
    for text in texts:
        lower |= lowercase_words(text)
        for word, mid, in_run, place in _name_uses(text):
            if place:
                not_names.add(word)
            elif mid and not in_run:
                names.add(word)
    excluded = {w.lower() for w in exclude} | {w.lower() for w in NOT_NAMES}

    def common(word):
        low = word.lower()
        return low in lower or low in excluded or low.rstrip("s") in excluded

    return {n for n in names - not_names if not common(n)}
