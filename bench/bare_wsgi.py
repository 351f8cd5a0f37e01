"""The load test's yardstick: a bare WSGI app answering the events list from one raw SQL query.

Served by the same gunicorn as TradeWatch (`gunicorn bench.bare_wsgi:application`), it returns the
same page of events as `GET /api/v1/events/?limit=50` (the event rows, encoded with orjson),
with none of Django's request handling.
"""

import os

import orjson
import psycopg2
import psycopg2.pool

QUERY = """
SELECT e.id, d.slug AS dispute, e.reference, e.date, e.date_precision, e.end_date, e.kind, e.level, e.title,
       e.summary, e.location, e.outcome, e.case_id, e.case_stage, e.confidence, e.created_at, e.updated_at,
       count(*) OVER () AS total
FROM disputes_event e JOIN disputes_dispute d ON d.id = e.dispute_id
ORDER BY e.date, e.id LIMIT 50
"""
_pool = None


def _connection_pool():
    global _pool
    if _pool is None:
        _pool = psycopg2.pool.SimpleConnectionPool(1, 4, os.environ["DATABASE_URL"])
    return _pool


def application(environ, start_response):
    pool = _connection_pool()
    conn = pool.getconn()
    try:
        with conn.cursor() as cursor:
            cursor.execute(QUERY)
            columns = [c.name for c in cursor.description]
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        conn.rollback()
    finally:
        pool.putconn(conn)
    count = rows[0].pop("total") if rows else 0
    for row in rows[1:]:
        row.pop("total")
    body = orjson.dumps({"count": count, "results": rows}, default=str)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
