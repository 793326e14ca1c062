# gunicorn settings for the web service (docker-compose.yml, Dockerfile).
import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = 30
accesslog = "-"
# %(U)s is the path without the query string: searches carry youth names, which stay out of logs.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'
