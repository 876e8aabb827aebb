"""Helpers shared by the tests, each written once.

    app       ROOT, PG_URL, make_app, reset_postgres: an app on a test database
    content   ContentTree, sample LESSON and QUIZ, the real course's slugs, lesson_of
    people    the demo people: ROLE_EMAILS, DEMO_PASSWORD, seed_people
    http      sign_in, signed_in, post and CSRF tokens: a client as a browser would be
    db        query_db and app_db (the two ways into the database), rows read back
    sql       recorded_sql and count_queries: the SQL a request runs
    pages     reading HTML: form fields, radio groups, text of a page, tables
    quiz      taking a quiz over HTTP
    review    spaced review: the test clock, cards, the review and home pages
    progress  lesson progress: rows, the course outline, Continue links
    reports   manager reports: people and states in bulk, the dashboard and its CSV
    analysis  item analysis: bulk learners, recorded attempts, the analysis pages
    accounts  signing in, cookies, sign-up, passwords and one-time links

Fixtures live in tests/conftest.py (and in a folder's conftest.py when only that
folder uses them); the modules here hold plain functions and constants.
"""
