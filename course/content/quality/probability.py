"""Exact pass probabilities, in fractions.

A plain quiz: scenario i is answered right with probability p_i, independently.
With `draw: k` of N scenarios each attempt shows a uniformly drawn k-subset; the
pass probability is averaged exactly over all C(N, k) subsets with the generating
function  prod_i (1 + x (q_i + p_i y)):  the coefficient of x^k y^j sums, over the
k-subsets, the probability of j right answers. A conversation: the distribution of
(best choices so far, steps so far) is pushed along the scene graph.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Optional, Sequence


def pass_threshold(pass_score: float, shown: int) -> int:
    """Right answers needed out of `shown` (grading passes at score >= pass_score)."""
    return max(0, math.ceil(pass_score * shown - 1e-9))


def passes(best: int, steps: int, pass_score: float) -> bool:
    return steps > 0 and best >= pass_threshold(pass_score, steps)


def pass_probability(p: Sequence[Fraction], pass_score: float, draw: Optional[int] = None) -> Fraction:
    """Probability of passing when scenario i is right with probability p[i].

    draw=None shows every scenario (the Poisson-binomial tail); draw=k averages over
    every k-subset of the pool."""
    n = len(p)
    k = n if draw is None else draw
    if n == 0 or not 1 <= k <= n:
        return Fraction(0)
    # table[c][j]: sum over c-subsets of the scenarios seen so far of P(j right answers)
    table = [[Fraction(0)] * (k + 1) for _ in range(k + 1)]
    table[0][0] = Fraction(1)
    for p_i in p:
        q_i = 1 - p_i
        for c in range(min(k, n) - 1, -1, -1):     # downwards: each scenario used once
            row, up = table[c], table[c + 1]
            for j in range(c, -1, -1):
                value = row[j]
                if value:
                    up[j + 1] += value * p_i
                    up[j] += value * q_i
    need = pass_threshold(pass_score, k)
    return sum(table[k][need:], Fraction(0)) / math.comb(n, k)


def conversation_pass_probability(quiz, choice_probabilities: dict, pass_score: float) -> Fraction:
    """Probability that a learner who picks choice c in scene s with probability
    choice_probabilities[s.id][index of c] passes the conversation.

    The scenes must form a loop-free graph from the first scene (the loader checks it)."""
    states: dict[str, dict[tuple[int, int], Fraction]] = {quiz.scenarios[0].id: {(0, 0): Fraction(1)}}
    passed = Fraction(0)
    for scene in topological_order(quiz):
        here = states.pop(scene.id, None)
        if not here:
            continue
        if scene.is_end:
            passed += sum((pr for (best, steps), pr in here.items() if passes(best, steps, pass_score)),
                          Fraction(0))
            continue
        for choice, pr_choice in zip(scene.choices, choice_probabilities[scene.id]):
            if not pr_choice:
                continue
            target = states.setdefault(choice.next_scene, {})
            for (best, steps), pr in here.items():
                key = (best + choice.best, steps + 1)
                target[key] = target.get(key, Fraction(0)) + pr * pr_choice
    return passed


def topological_order(quiz) -> list:
    """Scenes reachable from the first one, each before every scene it leads to."""
    order, state = [], {}
    stack = [(quiz.scenarios[0], False)]
    while stack:
        scene, done = stack.pop()
        if done:
            state[scene.id] = "done"
            order.append(scene)
            continue
        if scene.id in state:
            continue
        state[scene.id] = "open"
        stack.append((scene, True))
        for choice in scene.choices:
            nxt = quiz.scenario(choice.next_scene) if choice.next_scene else None
            if nxt is not None and nxt.id not in state:
                stack.append((nxt, False))
    order.reverse()
    return order


def conversation_paths(quiz, limit: int = 100_000) -> Optional[list]:
    """Every full path from the first scene as (choices taken, end scene), or None
    when there are more than `limit` paths."""
    paths, todo = [], [(quiz.scenarios[0], ())]
    while todo:
        scene, taken = todo.pop()
        if scene.is_end:
            paths.append((taken, scene))
            if len(paths) > limit:
                return None
            continue
        for choice in reversed(scene.choices):
            todo.append((quiz.scenario(choice.next_scene), taken + ((scene, choice),)))
    return paths
