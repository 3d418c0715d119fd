"""Pages of long lists read in index order, without counting or sorting the whole list.

Django's ``Paginator`` counts every matching row and then reads the page; for an intervention
lead's 2 000 enrolments, or all of a federation's, the count (with the consent check of every
row) costs far more than the page itself. Here a page reads one row more than it shows, to
know whether a next page exists, and nothing else: one query, however long the list. The
total is known, and shown, when the list ends on the page read (a case worker's own list of
40 fits one page); otherwise the page says which rows it shows and that more follow. The
queryset's order must be one an index can deliver (see ``participants.selectors.caseload``),
so that reading the first pages stops after their rows.

The page has the attributes the shared pager template reads (``number``, ``has_next``,
``paginator.count``, ``paginator.num_pages``…); ``count`` and ``num_pages`` are ``None`` while
the end of the list has not been read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil

from django.db.models import QuerySet


@dataclass(frozen=True)
class Counted:
    count: int | None
    num_pages: int | None


@dataclass
class Page:
    object_list: list
    number: int
    per_page: int
    has_next: bool
    paginator: Counted = field(repr=False)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.object_list)


def page_number(value) -> int:
    """The page asked for in ``?sida=``: a positive whole number, else the first page."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return number if number >= 1 else 1


def page_of(queryset: QuerySet, number, per_page: int) -> Page:
    """Page ``number`` (1-based) of ``queryset`` in its order, in one query. A page past the
    end of the list is empty and links back."""
    number = page_number(number)
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    count = num_pages = None
    if not has_next and (rows or number == 1):
        count = offset + len(rows)
        num_pages = max(1, ceil(count / per_page))
    return Page(
        object_list=rows,
        number=number,
        per_page=per_page,
        has_next=has_next,
        paginator=Counted(count=count, num_pages=num_pages),
    )
