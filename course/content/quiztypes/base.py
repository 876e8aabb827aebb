from __future__ import annotations

from dataclasses import dataclass


class GradeError(ValueError):
    """The answers name a scenario or choice the quiz does not have: tampering."""


class Incomplete(ValueError):
    """A scenario the learner had to answer was skipped."""

    def __init__(self, missing):
        super().__init__(f"{len(missing)} scenario(s) not answered")
        self.missing = tuple(missing)


@dataclass(frozen=True)
class GradedAnswer:
    scenario: object      # content.model.Scenario
    choice: object        # content.model.Choice

    @property
    def best(self) -> bool:
        return self.choice.best


@dataclass(frozen=True)
class Grade:
    answers: tuple[GradedAnswer, ...]
    score: float           # 0.0 .. 1.0
    passed: bool
    end_scene: object = None   # conversations: the scene the path ended on

    @property
    def best_count(self) -> int:
        return sum(1 for answer in self.answers if answer.best)


class QuizType:
    name = ""
    label = ""
    branching = False       # whether choices lead to scenes (`-> scene-id`)
    template = ""           # the Jinja template that renders the take page

    def check(self, quiz, doc) -> None:
        """Add type-specific problems to the document being parsed."""
        raise NotImplementedError

    def grade(self, quiz, answers: dict[str, str], scenario_ids=None) -> Grade:
        """Pure: scenario id -> choice id in, Grade out. Raises GradeError or Incomplete.
        `scenario_ids`: the scenarios this attempt showed (a pool's draw); None = the whole quiz."""
        raise NotImplementedError

    @staticmethod
    def _check_known(quiz, answers: dict[str, str]) -> None:
        for scenario_id, choice_id in answers.items():
            scenario = quiz.scenario(scenario_id)
            if scenario is None or scenario.is_end:
                raise GradeError(f"unknown scenario '{scenario_id}'")
            if scenario.choice(choice_id) is None:
                raise GradeError(f"unknown choice '{choice_id}' for scenario '{scenario_id}'")

    @staticmethod
    def _check_choices(scenario, doc) -> None:
        if len(scenario.choices) < 2:
            doc.error(scenario.line, f"scenario '{scenario.id}' needs at least two choices")
        best = [c for c in scenario.choices if c.best]
        if scenario.choices and not best:
            doc.error(scenario.line, f"scenario '{scenario.id}' has no best choice: mark one with [x]")
        if len(best) > 1:
            doc.error(best[1].line, f"scenario '{scenario.id}' has {len(best)} best choices: mark only one with [x]")
