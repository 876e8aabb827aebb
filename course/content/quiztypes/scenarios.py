from __future__ import annotations

from .base import Grade, GradedAnswer, GradeError, Incomplete, QuizType


class ScenarioQuiz(QuizType):
    """Independent scenarios; the learner answers every one shown. A pool
    (`draw: N`) shows N of them per attempt, and the attempt is graded on those."""
    name = "scenarios"
    label = "Scenarios"
    template = "quiz/take_scenarios.html"   # how the take page renders this type
    branching = False

    def check(self, quiz, doc) -> None:
        for scenario in quiz.scenarios:
            if scenario.verdict is not None:
                doc.error(scenario.line, f"a verdict ({{#{scenario.id} {scenario.verdict}}}) only belongs on "
                                         f"the end scene of a conversation")
            if scenario.is_end:
                doc.error(scenario.line, f"scenario '{scenario.id}' has no choices: add a task list ('- [ ] ...')")
            else:
                self._check_choices(scenario, doc)

    def grade(self, quiz, answers: dict[str, str], scenario_ids=None) -> Grade:
        self._check_known(quiz, answers)
        shown = quiz.scenarios
        if scenario_ids is not None:
            drawn = set(scenario_ids)
            unknown = drawn - {s.id for s in quiz.scenarios if not s.is_end}
            if unknown or not drawn:
                raise GradeError(f"the drawn set names scenarios this quiz does not have: {', '.join(sorted(unknown))}"
                                 if unknown else "an attempt draws at least one scenario")
            outside = set(answers) - drawn
            if outside:
                raise GradeError(f"answers for scenarios this attempt did not show: {', '.join(sorted(outside))}")
            shown = tuple(s for s in quiz.scenarios if s.id in drawn)     # file order
        missing = [s.id for s in shown if s.id not in answers]
        if missing:
            raise Incomplete(missing)
        graded = tuple(GradedAnswer(s, s.choice(answers[s.id])) for s in shown)
        score = sum(1 for a in graded if a.best) / len(graded) if graded else 0.0
        return Grade(graded, score, score >= quiz.pass_score)
