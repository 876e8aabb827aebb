"""Gunicorn settings for `make serve` (gunicorn --config gunicorn.conf.py app:app).

Every value can be changed from the environment without editing this file. Put a reverse proxy
(nginx, a load balancer) in front: it holds slow clients, limits request sizes and terminates TLS
(docs/operations.md). Gunicorn alone must not face the internet.
"""
import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# Where to listen. Behind a proxy on the same host keep 127.0.0.1; on a private network 0.0.0.0.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Workers from the CPU count: one process per core (at least two, so one can restart while the
# other serves), each with a few threads. gthread workers keep serving while a thread waits on
# the database or a slow client, where a sync worker would be stuck; SQLite serialises writes
# anyway (busy_timeout 10 s), PostgreSQL takes them in parallel.
workers = _int("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count()))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)

# A request that takes longer than this is killed and the worker replaced (the slowest page, a
# 10,000-row CSV export, takes about 1 s).
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGHUP or SIGTERM, workers get this long to finish the requests they hold.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Keep-alive between the proxy and gunicorn.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle each worker after this many requests (plus jitter, so they do not all restart at once):
# a slow leak never grows without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Load the app (and the content) once in the master: a broken content tree or a missing
# SECRET_KEY stops the start instead of every worker failing in turn. Database connections are
# opened per request in the workers, never in the master.
preload_app = True

# Header limits (gunicorn's defaults, spelled out): a request line over 4 KB or more than 100
# header fields is refused with 400. Body size is limited by MAX_CONTENT_LENGTH in the app and
# client_max_body_size in the proxy.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Logs. The app writes one JSON line per request to standard output (route pattern, status,
# duration, person id, request id: docs/security.md), so gunicorn's own access log is off by
# default. Turn it on with GUNICORN_ACCESS_LOG=- (or a file); its format leaves out the URL, which
# can hold a one-time sign-in token, and the query string.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = ('{"time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "status": %(s)s, '
                     '"bytes": %(B)s, "duration_ms": %(M)s, "request_id": "%({x-request-id}o)s"}')
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Where the master writes its pid, for `kill -HUP` (a graceful reload of the workers).
pidfile = os.environ.get("GUNICORN_PIDFILE") or None

# The proxy's address: only it may set X-Forwarded-* for gunicorn itself.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
