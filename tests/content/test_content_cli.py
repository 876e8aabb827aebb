"""`flask content check` and `flask db upgrade` through Flask's CLI runner."""
from helpers.app import make_app
from helpers.content import LESSON, QUIZ


def run_check(tree, database_url):
    app = make_app(database_url, tree.root, CONTENT_STRICT=False)
    return app.test_cli_runner().invoke(args=["content", "check"])


def test_check_passes_with_a_summary(tree, database_url):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", QUIZ)
    result = run_check(tree, database_url)
    assert result.exit_code == 0, result.output
    # The two-choice sample quiz is guessable: quality warnings, printed but not failing.
    assert result.output.strip().splitlines()[-1].startswith(
        "1 course(s), 1 lesson(s), 2 scenario(s): 0 error(s), ")


def test_check_prints_every_problem_and_fails(tree, database_url):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First").replace("minutes: 4", "minutes: 4\ncolour: red"))
    tree.write("lessons/demo/02-second.md", "no front matter\n")
    tree.write("quizzes/demo/first.md", QUIZ.replace("{ask}", "{asking}", 1))
    result = run_check(tree, database_url)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert "lessons/demo/01-first.md:4: error: unknown front matter key 'colour' " \
           "(allowed: aids, aliases, draft, minutes, objectives, reflection, title)" in lines
    assert "lessons/demo/02-second.md:1: error: missing front matter: the file must start with a '---' line" in lines
    assert any(l.startswith("quizzes/demo/first.md:9: error: unknown behaviour tag 'asking'") for l in lines)
    assert lines[-1].endswith("3 error(s), 0 warning(s)")
    assert "Traceback" not in result.output


def test_warnings_do_not_fail(tree, database_url):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", QUIZ.replace(" {#quiet-standup}", ""))
    result = run_check(tree, database_url)
    assert result.exit_code == 0
    assert "quizzes/demo/first.md:12: warning: scenario 'The quiet stand-up' has no {#id}" in result.output


def test_the_repository_content_passes_the_check(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert " 0 error(s)" in result.output


def test_db_upgrade_is_idempotent(runner):
    # The fixture already upgraded; a second run has nothing to do.
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "database is up to date" in result.output
    status = runner.invoke(args=["db", "status"])
    assert "0001_initial: applied" in status.output
