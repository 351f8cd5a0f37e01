# One image for web, worker and beat.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Only the hash-pinned lock: every package and its dependencies, with the hashes of their files.
COPY requirements.lock .
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY . .
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home /app tradewatch \
    && chown -R tradewatch /app
USER tradewatch

EXPOSE 8000
CMD ["gunicorn", "tradewatch.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
