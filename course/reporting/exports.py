"""CSV exports, streamed row by row and safe to open in a spreadsheet."""
from __future__ import annotations

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """Stop a spreadsheet from reading a cell as a formula: prefix a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def stream_csv(header, rows):
    """Yield CSV text line by line: the file is never built in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in ([header], rows):
        for cells in row:
            writer.writerow([neutralise(cell) for cell in cells])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)


def team_report_rows(report, fmt_datetime):
    """The dashboard's rows as CSV cells: the same numbers the page shows."""
    lessons = report.course.visible_lessons()
    header = ["Name", "Email", "Status", "Completion %", "Lessons finished", "Lessons", "Last activity"]
    for lesson in lessons:
        header += [f"{lesson.title} (state)", f"{lesson.title} (best score %)"]

    def rows():
        for row in report.rows:
            cells = [row.name, row.email, row.status_label, row.percent, row.progress.finished_count,
                     row.progress.total, fmt_datetime(row.progress.last_activity)]
            for lp in row.progress.lessons:
                cells += [lp.label, "" if lp.best_score is None else round(lp.best_score * 100)]
            yield cells
    return header, rows()


def analysis_rows(result):
    """Item analysis as CSV: one row per choice of each scenario version.
    Groups under the privacy threshold keep their row but not their figures; so does a
    version nobody has answered yet."""
    header = ["Scenario id", "Scenario", "Version", "Current version", "Learners", "Best on first try %",
              "Best over all attempts %", "Choice id", "Choice", "Tag", "Best choice", "Times chosen", "Share %"]

    def pct(value):
        return round(value * 100)

    def rows():
        for fig in [*result.scenarios, *result.older]:
            title = fig.scenario.title if fig.scenario else "(removed)"
            if fig.hidden:
                # One row and no choices: which choices were picked would itself tell.
                yield [fig.scenario_id, title, fig.version, "yes" if fig.current else "no",
                       f"fewer than {result.min_group}", "", "", "", "(hidden)", "", "", "", ""]
                continue
            if not fig.answers:
                # Never answered (a pool may not have drawn it yet): no answers, not a zero share.
                yield [fig.scenario_id, title, fig.version, "yes" if fig.current else "no", 0,
                       "", "", "", "(no answers yet)", "", "", "", ""]
                continue
            for choice in fig.choices:
                text = choice.choice.text if choice.choice else "(no longer in the quiz)"
                best = "yes" if choice.best else "no"
                yield [fig.scenario_id, title, fig.version, "yes" if fig.current else "no", fig.learners,
                       pct(fig.first_best_share), pct(fig.best_share), choice.choice_id, text, choice.tag, best,
                       choice.count, pct(choice.share(fig.answers))]
    return header, rows()
