"""Page through a query: LIMIT/OFFSET plus one COUNT, fine at tens of thousands of rows."""
from __future__ import annotations

from dataclasses import dataclass

PER_PAGE = 50


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.number * self.per_page, self.total)


def paginate(query, page_arg, per_page: int = PER_PAGE) -> Page:
    try:
        number = max(1, int(page_arg or 1))
    except ValueError:
        number = 1
    total = query.count()
    pages = max(1, -(-total // per_page))
    number = min(number, pages)
    items = list(query.paginate(number, per_page))
    return Page(items, number, per_page, total)
