"""The frozen result of the quality analysis: what the CLI prints and the
trainer pages show.

QualityReport
  .courses   one CourseQuality per course
  .problems  every quality warning (and any problem of quizzes/quality.yml), sorted
CourseQuality
  .quizzes   one QuizQuality per analysed quiz, in lesson order
  .cues      per feature, the stronger of its two strategies, as a CueFigure
  .strategies every strategy (both directions of every feature)
QuizQuality  the same figures for one quiz, plus its own problems
CueFigure    one strategy's figures over a set of scenarios

Shares are expected shares of scenarios in which the strategy's guess is the
best choice; "chance" is the same for a blind guess (the mean of 1/choices).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..model import Problem
from .settings import QualitySettings

SHARE_LIMIT = 0.40   # course-wide share above which a cue is a giveaway
PASS_LIMIT = 0.5     # pass probability above which a strategy "passes" a quiz


@dataclass(frozen=True)
class CueFigure:
    name: str                       # the strategy, e.g. "prefer-question", "avoid-justifying"
    description: str                # what it guesses, e.g. "guess a choice with a '?'"
    share: float                    # expected_hits / scenarios
    chance: float                   # a blind guess's share over the same scenarios
    pass_probability: float         # exact probability of passing (course-wide: mean over the quizzes)
    chance_pass_probability: float  # the same for a blind guess
    feature: str = ""               # e.g. "question", "position-2"
    direction: str = ""             # "prefer" or "avoid"
    scenarios: int = 0              # decision scenarios analysed (a pool counts every scenario)
    expected_hits: float = 0.0      # sum over scenarios of P(the guess is the best choice)

    @property
    def lift(self) -> float:
        """How far the share stands above chance (share - chance)."""
        return self.share - self.chance


@dataclass(frozen=True)
class QuizQuality:
    path: str                       # quizzes/<course>/<slug>.md
    course_slug: str
    lesson_slug: str
    type: str                       # "scenarios" or "conversation"
    pass_score: float
    draw: Optional[int]             # scenarios per attempt for a pool, None = all
    scenarios: int                  # decision scenarios (or scenes) analysed
    chance: float
    chance_pass_probability: float
    cues: tuple[CueFigure, ...]         # strongest strategy per feature, in feature order
    strategies: tuple[CueFigure, ...]   # every strategy
    problems: tuple[Problem, ...] = ()

    @property
    def strongest(self) -> Optional[CueFigure]:
        """The cue most likely to pass this quiz (ties: the larger share)."""
        return max(self.cues, key=lambda c: (c.pass_probability, c.share), default=None)

    @property
    def shown(self) -> Optional[int]:
        """Scenarios one attempt shows; None for a conversation (paths differ)."""
        if self.type == "conversation":
            return None
        return self.draw or self.scenarios


@dataclass(frozen=True)
class CourseQuality:
    slug: str
    title: str
    scenarios: int
    chance: float
    chance_pass_probability: float      # mean over the quizzes
    quizzes: tuple[QuizQuality, ...]
    cues: tuple[CueFigure, ...]         # strongest direction per feature, by course-wide share
    strategies: tuple[CueFigure, ...]
    problems: tuple[Problem, ...] = ()  # course-wide warnings (each placed at a quiz file)

    @property
    def strongest(self) -> Optional[CueFigure]:
        return max(self.cues, key=lambda c: (c.share, c.pass_probability), default=None)


@dataclass(frozen=True)
class QualityReport:
    courses: tuple[CourseQuality, ...]
    settings: QualitySettings
    problems: tuple[Problem, ...]       # sorted by (path, line)

    @property
    def quizzes(self) -> tuple[QuizQuality, ...]:
        return tuple(q for c in self.courses for q in c.quizzes)

    def quiz(self, path: str) -> Optional[QuizQuality]:
        return next((q for q in self.quizzes if q.path == path), None)

    def course(self, slug: str) -> Optional[CourseQuality]:
        return next((c for c in self.courses if c.slug == slug), None)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "warning")
