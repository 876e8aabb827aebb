"""Item analysis of a branching conversation (the real course's): the paths learners take,
where conversations end, each scene's figures, and paths hidden below the group size.
"""
from __future__ import annotations

from helpers.analysis import (BEST_PATH, ROUGH_PATH, VAGUE_PATH, add_learners, conversation_answers, csv_rows, get_ok,
                              record, section, sections, table_after, trainer_client)
from helpers.content import COURSE, CONVERSATION, lesson_of
from helpers.pages import plain


# --- a branching conversation (the real course) --------------------------------------------

def test_conversation_analysis_shows_paths_taken_and_where_conversations_end(seeded):
    app = seeded
    quiz = lesson_of(app, CONVERSATION, COURSE).quiz
    emails = add_learners(app, 8)
    plan = {0: [BEST_PATH], 1: [BEST_PATH], 2: [BEST_PATH], 3: [BEST_PATH], 4: [BEST_PATH],
            5: [ROUGH_PATH], 6: [ROUGH_PATH], 7: [VAGUE_PATH, BEST_PATH]}
    for index, paths in plan.items():
        for tags in paths:
            record(app, emails[index], CONVERSATION, conversation_answers(quiz, tags), course=COURSE)
    trainer = trainer_client(app)
    html = get_ok(trainer, f"/trainer/analysis/{COURSE}/{CONVERSATION}")
    assert "8 learners with at least one attempt" in plain(html)
    assert "How learners move through the conversation" in html and "paths are hidden" not in html
    # Endings, by distinct learner: 6 reached the trial (learner 7 on the retake), 2 the trial
    # after a repair (the rough start), 1 ended noted.
    assert table_after(html, "Where conversations end") == [["A two-week trial", "6"],
                                                            ["A trial, after a repair", "fewer than 5"],
                                                            ["Noted, nothing changes", "fewer than 5"]]
    titles = lambda *ids: " → ".join(quiz.scenario(i).title for i in ids)  # noqa: E731
    assert table_after(html, "Paths taken") == [
        [titles("grace-at-the-station", "grace-makes-time", "grace-listens", "end-trial-agreed"), "6"],
        [titles("grace-at-the-station", "grace-bristles", "second-chance", "end-trial-after-repair"), "fewer than 5"],
        [titles("grace-at-the-station", "grace-makes-time", "grace-shrugs", "end-noted-not-acted"), "fewer than 5"],
    ]
    # Scenes: the first scene was answered 9 times by 8 learners; 6 chose the best first time
    # (0-4 and 7), and 7 of the 9 answers were best.
    station = section(html, "grace-at-the-station")
    assert station.figures == {"Learners": "8", "Best on first try": "75%", "Best over all attempts": "78%",
                               "Answers": "9"}
    assert [(r.tag, r.chosen, r.nobody) for r in station.rows] == [
        ("Complained without a proposal", 2, False), ("Stayed silent", 0, True), ("Asked before telling", 7, False),
        ("Went around the person", 0, True)]
    # "Grace makes time": learners 0-4 and 7 (twice): 6 learners, 5 best first tries.
    makes_time = section(html, "grace-makes-time")
    assert makes_time.figures == {"Learners": "6", "Best on first try": "83%", "Best over all attempts": "86%",
                                  "Answers": "7"}
    # Scenes fewer than 5 learners reached are hidden; end scenes have no figures at all.
    assert section(html, "grace-bristles").hidden and section(html, "grace-shrugs").hidden
    assert section(html, "grace-hears-secondhand").hidden
    assert "Nobody has answered this version yet" in section(html, "grace-hears-secondhand").text
    assert "end-trial-agreed" not in {s.scenario_id for s in sections(html)}
    listens = section(html, "grace-listens")
    assert listens.figures["Learners"] == "6" and listens.figures["Best on first try"] == "100%"
    assert "too easy" in listens.flag
    # The CSV has the same per-scene numbers, and no figures for the hidden scenes.
    rows = csv_rows(trainer, f"/trainer/analysis/{COURSE}/{CONVERSATION}.csv")
    assert [(r["Choice id"], r["Learners"], r["Best on first try %"], r["Best over all attempts %"], r["Times chosen"],
             r["Share %"]) for r in rows if r["Scenario id"] == "grace-at-the-station"] == [
        (c.id, "8", "75", "78", str(n), str(round(100 * n / 9))) for c, n in zip(quiz.scenario("grace-at-the-station").choices,
                                                                            (2, 0, 7, 0))]
    assert {r["Learners"] for r in rows if r["Scenario id"] == "grace-bristles"} == {"fewer than 5"}
    assert {r["Scenario id"] for r in rows} == {s.id for s in quiz.scenarios if not s.is_end}


def test_conversation_paths_are_hidden_below_the_group_size(seeded):
    quiz = lesson_of(seeded, CONVERSATION, COURSE).quiz
    for email in add_learners(seeded, 4):
        record(seeded, email, CONVERSATION, conversation_answers(quiz, BEST_PATH), course=COURSE)
    html = get_ok(trainer_client(seeded), f"/trainer/analysis/{COURSE}/{CONVERSATION}")
    assert "Fewer than 5 learners have played this version of the conversation; paths are hidden." in plain(html)
    assert "<h3>Paths taken</h3>" not in html and "<h3>Where conversations end</h3>" not in html
    assert all(s.hidden for s in sections(html))
