"""answer.first_try: whether this was the learner's first answer to that
scenario version. Item analysis reads it instead of ranking every answer on
each request. Existing rows are filled in from their attempts' order."""
from peewee import BooleanField


def up(migrator, db):
    migrator.migrate(migrator.add_column("answer", "first_try", BooleanField(default=False)))
    db.execute_sql("""
        UPDATE answer SET first_try = TRUE WHERE id IN (
            SELECT id FROM (
                SELECT a.id AS id, ROW_NUMBER() OVER (
                    PARTITION BY t.person_id, t.course_slug, t.kind, a.scenario_id, a.scenario_hash
                    ORDER BY t.submitted_at, t.id) AS rn
                FROM answer a JOIN attempt t ON a.attempt_id = t.id
            ) ranked WHERE rn = 1)""")
    migrator.migrate(migrator.add_index("answer", ("scenario_id", "scenario_hash", "first_try"), False))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("answer", "answer_scenario_id_scenario_hash_first_try"))
    migrator.migrate(migrator.drop_column("answer", "first_try"))
