from __future__ import annotations

from .base import Grade, GradedAnswer, GradeError, Incomplete, QuizType


class ConversationQuiz(QuizType):
    """A branching conversation: the first scene starts it, each choice leads
    (`-> scene-id`) to the next scene, scenes without choices end it. The
    score is the share of best choices along the path actually taken."""
    name = "conversation"
    label = "Conversation"
    template = "quiz/take_conversation.html"   # how the take page renders this type
    branching = True

    def check(self, quiz, doc) -> None:
        scenes = {s.id: s for s in quiz.scenarios}
        if not quiz.scenarios:
            return
        if quiz.scenarios[0].is_end:
            doc.error(quiz.scenarios[0].line, "the first scene starts the conversation, so it needs choices")
        for scene in quiz.scenarios:
            if scene.is_end:
                continue
            if scene.verdict is not None:
                doc.error(scene.line, f"scene '{scene.id}' has choices, so it has no verdict: "
                                      f"'{scene.verdict}' belongs on an end scene")
            self._check_choices(scene, doc)
            for choice in scene.choices:
                if choice.next_scene is None:
                    doc.error(choice.line, "in a conversation every choice ends with '-> scene-id'")
                elif choice.next_scene not in scenes:
                    doc.error(choice.line, f"'-> {choice.next_scene}' names no scene in this quiz")
        if not any(s.is_end for s in quiz.scenarios):
            doc.error(quiz.scenarios[0].line, "a conversation needs at least one end scene (a scene without choices)")

        cycle = find_cycle(quiz)
        if cycle:
            doc.error(scenes[cycle[0]].line, "the scenes loop back on themselves: " + " -> ".join(cycle))
        reachable = reachable_scenes(quiz)
        for scene in quiz.scenarios:
            if scene.id not in reachable:
                doc.error(scene.line, f"scene '{scene.id}' cannot be reached from the first scene")

    def grade(self, quiz, answers: dict[str, str], scenario_ids=None) -> Grade:
        if scenario_ids is not None:
            raise GradeError("a conversation is one path: it has no drawn set of scenes")
        self._check_known(quiz, answers)
        path, scene, missing = [], quiz.scenarios[0] if quiz.scenarios else None, []
        visited = set()
        while scene is not None and not scene.is_end:
            if scene.id in visited:   # only a quiz that failed its check can loop
                raise GradeError("the conversation loops")
            visited.add(scene.id)
            choice_id = answers.get(scene.id)
            if choice_id is None:
                missing.append(scene.id)
                break
            choice = scene.choice(choice_id)
            path.append(GradedAnswer(scene, choice))
            scene = quiz.scenario(choice.next_scene)
        if missing:
            raise Incomplete(missing)
        off_path = set(answers) - visited
        if off_path:
            raise GradeError(f"answers for scenes not on the path taken: {', '.join(sorted(off_path))}")
        score = sum(1 for a in path if a.best) / len(path) if path else 0.0
        return Grade(tuple(path), score, score >= quiz.pass_score, end_scene=scene)


def _edges(quiz):
    return {s.id: [c.next_scene for c in s.choices if c.next_scene and quiz.scenario(c.next_scene)]
            for s in quiz.scenarios}


def find_cycle(quiz):
    """A list of scene ids forming a loop, or None. Iterative DFS (no recursion limit)."""
    edges = _edges(quiz)
    state = {}
    for root in edges:
        if root in state:
            continue
        stack = [(root, iter(edges[root]))]
        state[root] = "open"
        trail = [root]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = "done"
                stack.pop()
                trail.pop()
            elif state.get(child) == "open":
                return trail[trail.index(child):] + [child]
            elif child not in state:
                state[child] = "open"
                stack.append((child, iter(edges[child])))
                trail.append(child)
    return None


def reachable_scenes(quiz) -> set:
    if not quiz.scenarios:
        return set()
    edges = _edges(quiz)
    seen, todo = set(), [quiz.scenarios[0].id]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(edges[node])
    return seen
