"""Manager and admin reports: read-only queries over progress.

The team dashboard and its CSV export are built by the same function from the
same rows, so the numbers on screen and in the file cannot differ. Each report
runs a fixed number of queries whatever the team's size.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple, Optional

from peewee import Case, fn

from course.time import site_today, to_local
from course.data.models import Assignment, Membership, Person, Progress, Team
from course.reporting.lesson_states import STATES as LESSON_STATES, CourseProgress, build_course_progress

STATUSES = {"finished": "Finished", "in-progress": "In progress", "not-started": "Not started",
            "overdue": "Overdue"}
SORTS = {"name": "Name", "completion": "Completion", "activity": "Last activity"}


@dataclass(frozen=True)
class MemberRow:
    person_id: int
    name: str
    email: str
    progress: CourseProgress
    overdue: bool

    @property
    def percent(self) -> int:
        return self.progress.percent

    @property
    def status(self) -> str:
        if self.progress.finished:
            return "finished"
        if self.overdue:
            return "overdue"
        return "in-progress" if self.progress.started else "not-started"

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]


@dataclass(frozen=True)
class LessonStat:
    lesson: object
    finished: int
    of: int

    @property
    def rate(self) -> float:
        return self.finished / self.of if self.of else 0.0


@dataclass(frozen=True)
class ReportFilters:
    q: str = ""
    status: str = ""
    lesson: str = ""
    state: str = ""
    sort: str = "name"

    @classmethod
    def from_args(cls, args) -> "ReportFilters":
        status = args.get("status", "")
        state = args.get("state", "")
        sort = args.get("sort", "name")
        return cls(q=args.get("q", "").strip()[:100],
                   status=status if status in STATUSES else "",
                   lesson=args.get("lesson", "")[:100],
                   state=state if state in LESSON_STATES else "",
                   sort=sort if sort in SORTS else "name")

    def as_args(self) -> dict:
        return {k: v for k, v in (("q", self.q), ("status", self.status), ("lesson", self.lesson),
                                  ("state", self.state), ("sort", self.sort)) if v and not (k == "sort" and v == "name")}


@dataclass
class TeamReport:
    team: Team
    course: object
    assignment: Optional[Assignment]
    filters: ReportFilters
    rows: list                          # filtered and sorted MemberRows (every page)
    team_size: int                      # members before filtering
    lesson_stats: list = field(default_factory=list)
    weekly: list = field(default_factory=list)   # [(week start date, lessons finished)]

    @property
    def finished_people(self) -> int:
        return sum(1 for r in self.rows if r.progress.finished)

    @property
    def overdue_people(self) -> int:
        return sum(1 for r in self.rows if r.overdue)

    @property
    def average_percent(self) -> int:
        """Lessons finished over lessons to finish, for everyone shown (as the summary computes it)."""
        total = sum(r.progress.total for r in self.rows)
        return round(100 * sum(r.progress.finished_count for r in self.rows) / total) if total else 0

    @property
    def not_started_people(self) -> int:
        return sum(1 for r in self.rows if not r.progress.started)


def _members(team, q: str = ""):
    query = (Person.select(Person.id, Person.name, Person.email).join(Membership)
             .where((Membership.team == team) & (Membership.is_manager == False)  # noqa: E712
                    & (Person.active == True)))  # noqa: E712
    if q:
        query = query.where(Person.name.contains(q) | Person.email.contains(q))
    return query.order_by(Person.name, Person.id)


class ProgressRow(NamedTuple):
    person: int
    lesson_slug: str
    opened_at: Optional[datetime.datetime]
    last_visit_at: Optional[datetime.datetime]
    completed_at: Optional[datetime.datetime]
    passed_at: Optional[datetime.datetime]
    best_score: Optional[float]


def _when(value):
    """A stored datetime as Peewee's DateTimeField reads it (SQLite keeps ISO text; PostgreSQL's
    driver gives datetimes already), with the standard library's C parser instead of strptime."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.fromisoformat(value)


def _progress_rows(team, course):
    """Plain named tuples, not model instances: a 10,000-person team has ~50,000 rows. The cursor's
    raw values are converted here: Peewee's per-value conversion was a third of the dashboard."""
    query = (Progress.select(Progress.person, Progress.lesson_slug, Progress.opened_at, Progress.last_visit_at,
                             Progress.completed_at, Progress.passed_at, Progress.best_score)
             .join(Membership, on=(Membership.person == Progress.person))
             .where((Membership.team == team) & (Membership.is_manager == False)  # noqa: E712
                    & (Progress.course_slug == course.slug)))
    for person, slug, opened, visited, completed, passed, score in Progress._meta.database.execute(query):
        yield ProgressRow(person, slug, _when(opened), _when(visited), _when(completed), _when(passed),
                          None if score is None else float(score))


def assignment_for(team, course) -> Optional[Assignment]:
    return Assignment.get_or_none((Assignment.team == team) & (Assignment.course_slug == course.slug))


def is_overdue(assignment, progress: CourseProgress, today: datetime.date) -> bool:
    return assignment is not None and not progress.finished and today > assignment.due_date


def team_report(team, course, filters: ReportFilters = ReportFilters(), today: datetime.date | None = None,
                with_charts: bool = True) -> TeamReport:
    """Three queries: members, their progress in the course, the assignment."""
    today = today or site_today()
    members = list(_members(team).tuples())
    team_size = len(members)
    if filters.q:
        needle = filters.q.lower()
        members = [m for m in members if needle in m[1].lower() or needle in m[2].lower()]
    by_person: dict[int, list] = {}
    for row in _progress_rows(team, course):
        by_person.setdefault(row.person, []).append(row)
    assignment = assignment_for(team, course)

    rows = []
    for person_id, name, email in members:
        cp = build_course_progress(course, by_person.get(person_id, []))
        rows.append(MemberRow(person_id, name, email, cp, is_overdue(assignment, cp, today)))
    if filters.status:
        rows = [r for r in rows if r.status == filters.status]
    if filters.lesson and filters.state:
        rows = [r for r in rows if (r.progress.of(filters.lesson) is not None
                                    and r.progress.of(filters.lesson).state == filters.state)]
    if filters.sort == "name":
        rows.sort(key=lambda r: (r.name.lower(), r.person_id))
    elif filters.sort == "completion":
        rows.sort(key=lambda r: (-r.percent, r.name.lower()))
    elif filters.sort == "activity":
        # Most recent first; people with the same last activity stay in name order (stable sort).
        rows.sort(key=lambda r: r.name.lower())
        rows.sort(key=lambda r: r.progress.last_activity or datetime.datetime.min, reverse=True)

    visible = course.visible_lessons()
    stats = [LessonStat(lesson, sum(1 for r in rows if r.progress.lessons[i].finished), len(rows))
             for i, lesson in enumerate(visible)]
    return TeamReport(team, course, assignment, filters, rows, team_size, stats,
                      weekly_finishes(rows, today) if with_charts else [])


def weekly_finishes(rows, today: datetime.date, weeks: int = 12):
    """Lessons finished per week (Monday to Sunday, site time zone) over the last `weeks` weeks."""
    start = today - datetime.timedelta(days=today.weekday() + 7 * (weeks - 1))
    counts = [0] * weeks
    for row in rows:
        for lp in row.progress.lessons:
            if lp.finished and lp.finished_at:
                day = to_local(lp.finished_at).date()
                index = (day - start).days // 7
                if 0 <= index < weeks:
                    counts[index] += 1
    return [(start + datetime.timedelta(weeks=i), counts[i]) for i in range(weeks)]


# --- all-teams summary --------------------------------------------------------

@dataclass(frozen=True)
class TeamSummary:
    team: Team
    members: int
    finished_people: int
    lessons_finished: int
    lessons_total: int          # members x lessons
    due_date: Optional[datetime.date]
    overdue_people: int

    @property
    def average_percent(self) -> int:
        return round(100 * self.lessons_finished / self.lessons_total) if self.lessons_total else 0


def _canonical_slug(course):
    """SQL expression mapping former slugs (aliases) to the lesson's slug."""
    pairs = [(alias, lesson.slug) for lesson in course.visible_lessons() for alias in lesson.aliases]
    return Case(Progress.lesson_slug, pairs, Progress.lesson_slug) if pairs else Progress.lesson_slug


def _finished_condition(course):
    quiz_slugs, plain_slugs = [], []
    for lesson in course.visible_lessons():
        target = quiz_slugs if lesson.quiz is not None else plain_slugs
        target.extend((lesson.slug, *lesson.aliases))
    condition = None
    if quiz_slugs:
        condition = Progress.lesson_slug.in_(quiz_slugs) & Progress.passed_at.is_null(False)
    if plain_slugs:
        plain = Progress.lesson_slug.in_(plain_slugs) & (Progress.completed_at.is_null(False)
                                                          | Progress.passed_at.is_null(False))
        condition = plain if condition is None else (condition | plain)
    return condition


def team_summaries(teams, course, today: datetime.date | None = None) -> list[TeamSummary]:
    """Summary figures for a page of teams in three aggregate queries."""
    today = today or site_today()
    teams = list(teams)
    if not teams:
        return []
    ids = [t.id for t in teams]
    total_lessons = len(course.visible_lessons())
    member_counts = dict(
        Membership.select(Membership.team, fn.COUNT(Membership.id))
        .join(Person, on=(Membership.person == Person.id))
        .where(Membership.team.in_(ids) & (Membership.is_manager == False) & (Person.active == True))  # noqa: E712
        .group_by(Membership.team).tuples())

    per_person = (Progress.select(Membership.team.alias("team_id"),
                                  fn.COUNT(fn.DISTINCT(_canonical_slug(course))).alias("n"))
                  .join(Membership, on=(Membership.person == Progress.person))
                  .join(Person, on=(Progress.person == Person.id))
                  .where(Membership.team.in_(ids) & (Membership.is_manager == False)  # noqa: E712
                         & (Person.active == True) & (Progress.course_slug == course.slug))  # noqa: E712
                  .group_by(Membership.team, Progress.person))
    condition = _finished_condition(course)
    finished = {}
    if condition is not None and total_lessons:
        per_person = per_person.where(condition)
        sub = per_person.alias("pp")
        query = (Progress.select(sub.c.team_id, fn.SUM(sub.c.n),
                                 fn.SUM(Case(None, [(sub.c.n >= total_lessons, 1)], 0)))
                 .from_(sub).group_by(sub.c.team_id))
        finished = {team_id: (int(lessons or 0), int(people or 0)) for team_id, lessons, people in query.tuples()}
    due = dict(Assignment.select(Assignment.team, Assignment.due_date)
               .where(Assignment.team.in_(ids) & (Assignment.course_slug == course.slug)).tuples())

    out = []
    for team in teams:
        members = member_counts.get(team.id, 0)
        lessons_done, people_done = finished.get(team.id, (0, 0))
        due_date = due.get(team.id)
        if isinstance(due_date, str):
            due_date = datetime.date.fromisoformat(due_date)
        overdue = members - people_done if due_date is not None and today > due_date else 0
        out.append(TeamSummary(team, members, people_done, lessons_done, members * total_lessons,
                               due_date, overdue))
    return out


# --- assignments ------------------------------------------------------------

def learner_due_dates(person, catalog, courses_progress, today: datetime.date | None = None):
    """The learner's own assignments: (course, due date, finished, overdue)."""
    today = today or site_today()
    by_slug = {cp.course.slug: cp for cp in courses_progress}
    out, seen = [], set()
    for assignment in Assignment.for_person(person):
        course = catalog.course(assignment.course_slug)
        if course is None or course.slug in seen:
            continue
        seen.add(course.slug)
        cp = by_slug.get(course.slug)
        finished = bool(cp and cp.finished)
        out.append({"course": course, "due_date": assignment.due_date, "finished": finished,
                    "overdue": not finished and today > assignment.due_date, "progress": cp})
    return out
