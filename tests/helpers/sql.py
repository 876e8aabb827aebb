"""Counting SQL: the statements a block, or one GET, makes the app's database run."""
from __future__ import annotations

import contextlib


@contextlib.contextmanager
def recorded_sql(app):
    """Every SQL statement the app's database runs inside the block, in a list."""
    database = app.extensions["peewee"]
    executed = []
    original = database.execute_sql

    def counting(sql, *args, **kwargs):
        executed.append(sql)
        return original(sql, *args, **kwargs)

    database.execute_sql = counting
    try:
        yield executed
    finally:
        del database.execute_sql        # the class's own method again


def count_queries(app, client, url, warm_up=False) -> int:
    """How many SQL statements one GET of `url` runs, its body read to the end (a streamed
    export runs its generator then). With warm_up, the same GET is made once beforehand."""
    if warm_up:
        client.get(url).get_data()
    with recorded_sql(app) as executed:
        response = client.get(url)
        body = response.get_data()
    assert response.status_code == 200 and body, (url, response.status_code)
    return len(executed)
