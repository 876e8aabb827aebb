"""Quality warnings that are not cue figures: keys against tags, recall of the
lesson's example, deducible positions, and a conversation's endings."""
from __future__ import annotations

from ..model import Problem
from .probability import conversation_paths, pass_threshold, passes
from .text import capitalised_words, plain_text, proper_names


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _warn(path, line, message) -> Problem:
    return Problem(path, line, message, "warning")


def tag_problems(quiz, tags: dict) -> list[Problem]:
    """A best choice with a weak tag, or a distractor with a strong one, unless `{tag!}`."""
    out = []
    for scenario in quiz.decision_scenarios:
        for choice in scenario.choices:
            tag = tags.get(choice.tag)
            if tag is None or choice.tag_intended or tag.strong == choice.best:
                continue
            if choice.best:
                out.append(_warn(quiz.path, choice.line,
                                 f"the best choice '{_short(choice.text)}' is tagged '{tag.slug}', a habit to "
                                 f"notice (strong: false in quizzes/tags.yml): pick a tag that fits, or write "
                                 f"{{{tag.slug}!}} if the key is intended"))
            else:
                out.append(_warn(quiz.path, choice.line,
                                 f"the distractor '{_short(choice.text)}' is tagged '{tag.slug}', a habit to "
                                 f"grow (strong: true in quizzes/tags.yml): pick a tag that fits, or write "
                                 f"{{{tag.slug}!}} if the key is intended"))
    return out


def recall_problems(quiz, lesson, course_title: str) -> list[Problem]:
    """A scenario whose situation names people the lesson names (its worked example):
    it tests memory of the page rather than the skill in a new situation."""
    lesson_text = plain_text(lesson.body_html)
    prompts = [(s, plain_text(s.prompt_html)) for s in quiz.decision_scenarios]
    quiz_text = "\n".join([plain_text(quiz.intro_html)] + [t for _, t in prompts]
                          + [c.text + "\n" + plain_text(c.feedback_html)
                             for s in quiz.scenarios for c in s.choices])
    names = proper_names([lesson_text, quiz_text], exclude=(course_title + " " + lesson.title).split())
    names &= capitalised_words(lesson_text)
    out, reported = [], set()
    for scenario, text in prompts:
        found = sorted((capitalised_words(text) & names) - reported)
        if not found:
            continue
        if quiz.type == "conversation":      # one warning per name, where it first appears
            reported |= set(found)
        who = ", ".join(found)
        out.append(_warn(quiz.path, scenario.line,
                         f"scenario '{scenario.id}' names {who}, also named in the lesson: a scenario that "
                         f"replays the lesson's example tests memory of the page, not the skill in a new "
                         f"situation (other people, another workplace)"))
    return out


def position_problems(quiz) -> list[Problem]:
    """Every position used by the best choice exactly once: the last answer can be deduced."""
    scenarios = quiz.decision_scenarios
    if quiz.draw is not None or quiz.type == "conversation" or len(scenarios) < 2:
        return []
    widest = max(len(s.choices) for s in scenarios)
    positions = sorted(s.choices.index(s.best_choice) + 1 for s in scenarios)
    if positions != list(range(1, widest + 1)):
        return []
    return [_warn(quiz.path, 1,
                  f"the best choices use positions 1 to {widest} exactly once each, so the last answer "
                  f"can be deduced from the others: let a position repeat, or make the quiz a pool (draw)")]


def _route(taken) -> str:
    return " -> ".join(scene.id for scene, _ in taken)


def conversation_problems(quiz) -> list[Problem]:
    """Endings reached by passing and failing paths, verdicts the path scores
    contradict, and a best path on which the best reply is always the longest."""
    out = []
    paths = conversation_paths(quiz)
    if paths is None:
        return [_warn(quiz.path, 1, "the conversation has too many paths to check its endings")]
    by_end: dict[str, list] = {}
    for taken, end in paths:
        best = sum(1 for _, choice in taken if choice.best)
        by_end.setdefault(end.id, []).append((taken, best, passes(best, len(taken), quiz.pass_score)))
    for end in quiz.scenarios:
        reaching = by_end.get(end.id)
        if not end.is_end or not reaching:
            continue
        passing = [r for r in reaching if r[2]]
        failing = [r for r in reaching if not r[2]]
        wrong = failing if end.verdict == "pass" else passing if end.verdict == "fail" else []
        if wrong:
            taken, best, _ = wrong[0]
            need = pass_threshold(quiz.pass_score, len(taken))
            out.append(_warn(quiz.path, end.line,
                             f"ending '{end.id}' says {end.verdict}, but {len(wrong)} of the {len(reaching)} "
                             f"path(s) reaching it {'fail' if end.verdict == 'pass' else 'pass'} the quiz "
                             f"(e.g. {_route(taken)}: {best} of {len(taken)} best, {need} needed to pass): "
                             f"make the ending follow from the path, or change the choices that lead here"))
        elif end.verdict is None and passing and failing:
            taken, best, _ = failing[0]
            out.append(_warn(quiz.path, end.line,
                             f"ending '{end.id}' is reached by {len(passing)} passing and {len(failing)} "
                             f"failing path(s) (e.g. failing: {_route(taken)}, {best} of {len(taken)} best): "
                             f"an ending should agree with the score of every path that reaches it"))

    scene, route = quiz.scenarios[0], []
    while not scene.is_end and scene.best_choice is not None and len(route) <= len(quiz.scenarios):
        route.append(scene)
        scene = quiz.scenario(scene.best_choice.next_scene)
    if route and all(_strictly_longest(s.best_choice, s.choices) for s in route):
        out.append(_warn(quiz.path, route[0].line,
                         f"the best reply is the longest one in every scene of the best path "
                         f"({' -> '.join(s.id for s in route)}): a test-wise learner passes by picking "
                         f"the longest reply"))
    return out


def _strictly_longest(best, choices) -> bool:
    return all(len(best.text) > len(c.text) for c in choices if c is not best)
