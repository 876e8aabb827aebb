"""Fixtures of the account tests (signing in, sign-up, passwords, the admin's people pages)."""
from __future__ import annotations

import pytest

from helpers.content import LESSON


@pytest.fixture
def content_dir(tree):
    """One small course is all accounts need (quicker to load than the real one)."""
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First steps"))
    return tree.root
