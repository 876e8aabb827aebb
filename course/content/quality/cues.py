"""Surface cues: features of a choice a test-wise learner could guess by.

For every feature there are two strategies: "prefer" guesses uniformly among the
choices that have it (among all when none or all have it), "avoid" guesses among
those without it (among all when every choice has it). A strategy's chance of
hitting the best choice in a scenario is 1/|candidates| if the best is a
candidate, else 0.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .settings import QualitySettings
from .text import content_words, normalise, phrase_pattern

DIRECTIONS = ("prefer", "avoid")


@dataclass(frozen=True)
class Feature:
    name: str          # e.g. "question", "position-2"
    has: str           # "a choice with a '?'": what a "prefer" strategy picks
    lacks: str         # "a choice without a '?'": what an "avoid" strategy picks


def features(settings: QualitySettings, positions: int) -> tuple[Feature, ...]:
    def sample(words):
        shown = ", ".join(words[:3])
        return shown + (", ..." if len(words) > 3 else "")
    fixed = (
        Feature("longest", "the longest choice", "a choice that is not the longest"),
        Feature("shortest", "the shortest choice", "a choice that is not the shortest"),
        Feature("question", "a choice with a '?'", "a choice without a '?'"),
        Feature("keyword", f"a choice with a keyword ({sample(settings.keywords)})",
                "a choice without a keyword"),
        Feature("third-party", f"a choice naming a third party ({sample(settings.third_parties)})",
                "a choice naming no third party"),
        Feature("justifying", f"a choice with a justifying clause ({sample(settings.justifying)})",
                "a choice without a justifying clause"),
        Feature("echo", "the choice sharing most words with the lesson's takeaway",
                "a choice that does not echo the takeaway most"),
    )
    return fixed + tuple(Feature(f"position-{k}", f"the choice in position {k}", f"a choice not in position {k}")
                         for k in range(1, positions + 1))


class CueReader:
    """Computes, for one scenario's choices, which choices have each feature."""

    def __init__(self, settings: QualitySettings, positions: int):
        self.features = features(settings, positions)
        self._keyword = phrase_pattern(settings.keywords)
        self._third_party = phrase_pattern(settings.third_parties)
        self._justifying = phrase_pattern(settings.justifying)

    @staticmethod
    def _matches(pattern, text):
        return bool(pattern and pattern.search(text))

    def marks(self, choices, takeaway_words: frozenset) -> dict[str, tuple[bool, ...]]:
        """feature name -> for each choice, whether it has the feature."""
        texts = [normalise(c.text) for c in choices]
        lengths = [len(t) for t in texts]
        overlap = [len(content_words(t) & takeaway_words) for t in texts]
        most = max(overlap, default=0)
        out = {
            "longest": tuple(n == max(lengths) for n in lengths),
            "shortest": tuple(n == min(lengths) for n in lengths),
            "question": tuple("?" in t for t in texts),
            "keyword": tuple(self._matches(self._keyword, t) for t in texts),
            "third-party": tuple(self._matches(self._third_party, t) for t in texts),
            "justifying": tuple(self._matches(self._justifying, t) for t in texts),
            "echo": tuple(most > 0 and n == most for n in overlap),
        }
        for feature in self.features:
            if feature.name.startswith("position-"):
                k = int(feature.name.split("-")[1])
                out[feature.name] = tuple(i == k - 1 for i in range(len(choices)))
        return out


def candidates(marks: tuple[bool, ...], direction: str) -> tuple[int, ...]:
    """Indexes a strategy guesses among."""
    every = tuple(range(len(marks)))
    if direction == "prefer":
        chosen = tuple(i for i in every if marks[i])
        return chosen if 0 < len(chosen) < len(marks) else every
    chosen = tuple(i for i in every if not marks[i])
    return chosen or every


def choice_probabilities(marks: tuple[bool, ...], direction: str) -> list[Fraction]:
    """The strategy's probability of picking each choice."""
    chosen = set(candidates(marks, direction))
    return [Fraction(1, len(chosen)) if i in chosen else Fraction(0) for i in range(len(marks))]


def hit_probability(marks: tuple[bool, ...], direction: str, best: int) -> Fraction:
    chosen = candidates(marks, direction)
    return Fraction(1, len(chosen)) if best in chosen else Fraction(0)
