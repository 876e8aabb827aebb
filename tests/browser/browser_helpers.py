"""Helpers shared by the browser tests: the course's lessons, signing in, the keyboard, axe-core."""
from helpers.content import COURSE
from helpers.people import DEMO_PASSWORD


def course_lessons(app):
    """(the first lesson with a plain quiz, the first with a conversation) of the real course."""
    course = app.extensions["content"].catalog.course(COURSE)
    plain = next(l for l in course.visible_lessons() if l.quiz and l.quiz.type == "scenarios")
    conversation = next(l for l in course.visible_lessons() if l.quiz and l.quiz.type == "conversation")
    return plain, conversation


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the current page, readable."""
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in ("serious", "critical"):
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return found


def sign_in(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, by keyboard, as a person would."""
    page.goto(base_url + "/auth/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(lambda url: "/auth/sign-in" not in url)


# --- the keyboard only ---------------------------------------------------------------

def text_as_written(locator) -> str:
    """The element's text as written (inner_text would apply CSS text-transform)."""
    return " ".join(locator.text_content().split())


def active(page, expression):
    """`expression` (JavaScript, on `el`) for the focused element, or None."""
    return page.evaluate(f"(() => {{ const el = document.activeElement; return el ? {expression} : null; }})()")


def tab_to(page, predicate, what, limit=80):
    """Press Tab until the focused element satisfies `predicate` (a JS expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if active(page, predicate):
            return
    raise AssertionError(f"Tab never reached {what}")


def sign_in_by_keyboard(page, base_url, email, password=DEMO_PASSWORD):
    page.goto(base_url + "/auth/sign-in")
    tab_to(page, "el.name === 'email'", "the email field")
    page.keyboard.type(email)
    tab_to(page, "el.name === 'password'", "the password field")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/auth/sign-in" not in url)


def choose(page, scenario, choice):
    """Tab into the scenario's radio group, select its first radio with Space, then arrow down."""
    name = f"answer-{scenario.id}"
    tab_to(page, f"el.type === 'radio' && el.name === {name!r}", f"the choices of '{scenario.id}'")
    # Tabbing into a group with nothing chosen lands on its first radio.
    assert active(page, "el.id") == f"c-{scenario.id}-1"
    page.keyboard.press("Space")
    index = [c.id for c in scenario.choices].index(choice.id)
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    checked = page.locator(f'input[name="{name}"]:checked')
    assert checked.count() == 1 and checked.get_attribute("value") == choice.id
    assert active(page, "el.value") == choice.id


def submit_by_keyboard(page, label):
    """Tab to the submit button labelled `label` and press Enter; waits for the next page."""
    tab_to(page, f"el.tagName === 'BUTTON' && el.type === 'submit' && el.textContent.trim() === {label!r}",
           f"the '{label}' button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("domcontentloaded")


def shown_scenarios(page, quiz):
    """The scenarios the quiz page asks about (a pool shows a drawn set), in page order."""
    names = page.locator('input[type="radio"]').evaluate_all(
        "inputs => [...new Set(inputs.map(i => i.name))]")
    return [quiz.scenario(name[len("answer-"):]) for name in names if name.startswith("answer-")]
