"""The quality report as short text lines (what `content check` prints)."""
from __future__ import annotations

from .report import QualityReport, QuizQuality


def _shape(quiz: QuizQuality) -> str:
    if quiz.type == "conversation":
        return f"conversation of {quiz.scenarios} scene(s)"
    shown = f"draw {quiz.draw}" if quiz.draw else "all shown"
    return f"{quiz.scenarios} scenario(s), {shown}"


def quiz_line(quiz: QuizQuality) -> str:
    cue = quiz.strongest
    if cue is None:
        return f"  {quiz.path}: {_shape(quiz)}"
    return (f"  {quiz.path}: {_shape(quiz)}; strongest cue {cue.name}: {cue.share:.0%} "
            f"(chance {cue.chance:.0%}), passes {cue.pass_probability:.2f} "
            f"(chance {quiz.chance_pass_probability:.2f})")


def summary_lines(report: QualityReport) -> list[str]:
    lines = []
    for course in report.courses:
        if not course.quizzes:
            continue
        lines.append(f"Quiz quality, {course.slug} (per quiz: the cue most likely to pass it; "
                     f"share of scenarios where its guess is the best choice, and pass probability):")
        lines.extend(quiz_line(q) for q in course.quizzes)
        lines.append(f"Cues course-wide, {course.slug}, over {course.scenarios} scenario(s) "
                     f"(share where the guess is the best choice):")
        width = max(len(c.feature) for c in course.strategies)
        lines.append(f"  {'cue':<{width}}  prefer   avoid  chance")
        rows = course.strategies
        for prefer, avoid in zip(rows[0::2], rows[1::2]):
            lines.append(f"  {prefer.feature:<{width}}  {prefer.share:>6.0%}  {avoid.share:>6.0%}  "
                         f"{prefer.chance:>6.0%}")
    return lines
