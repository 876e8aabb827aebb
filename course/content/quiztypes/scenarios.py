from __future__ import annotations

from .base import Grade, GradedAnswer, Incomplete, QuizType


class ScenarioQuiz(QuizType):
    """Independent scenarios; the learner answers every one."""
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

    def grade(self, quiz, answers: dict[str, str]) -> Grade:
        self._check_known(quiz, answers)
        missing = [s.id for s in quiz.scenarios if s.id not in answers]
        if missing:
            raise Incomplete(missing)
        graded = tuple(GradedAnswer(s, s.choice(answers[s.id])) for s in quiz.scenarios)
        score = sum(1 for a in graded if a.best) / len(graded) if graded else 0.0
        return Grade(graded, score, score >= quiz.pass_score)
