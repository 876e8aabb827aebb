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
