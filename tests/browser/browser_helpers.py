"""Helpers shared by the browser tests."""


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


def sign_in(page, base_url: str, email: str, password: str = "coaching-demo") -> None:
    """Sign in through the form, by keyboard, as a person would."""
    page.goto(base_url + "/auth/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(lambda url: "/auth/sign-in" not in url)
