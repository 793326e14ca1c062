# One image for web, worker, beat and the mock SIS (docker-compose.yml picks the command).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Hashed, compressed static files for whitenoise. The settings need these variables to load;
# nothing connects to the database here.
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only DATABASE_URL=postgres://unused/unused \
    python manage.py collectstatic --no-input -v 0

RUN useradd --system --uid 10001 --home-dir /app reengage \
    && mkdir -p /app/exports && chown reengage /app/exports
USER reengage

EXPOSE 8000
CMD ["gunicorn", "reengage.wsgi:application", "--config", "reengage/gunicorn.conf.py"]
