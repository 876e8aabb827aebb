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
