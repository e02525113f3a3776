# okr-tracker API image: wheels are built in the first stage, the second runs them as a
# non-root user with no compiler. Start it with docker-compose.yml (README, "Deploying").

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
# Only needed where a dependency has no binary wheel for the platform.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential libpq-dev \
    && rm -rf /var/lib/apt/lists/*
COPY requirements/prod.txt /build/requirements/prod.txt
RUN pip wheel --wheel-dir /wheels -r /build/requirements/prod.txt

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    GUNICORN_BIND=0.0.0.0:8000 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/okr-metrics
RUN groupadd --system okr \
    && useradd --system --gid okr --home-dir /app --no-create-home --shell /usr/sbin/nologin okr
WORKDIR /app
COPY --from=build /wheels /wheels
COPY requirements/prod.txt requirements/prod.txt
RUN pip install --no-index --find-links=/wheels -r requirements/prod.txt && rm -rf /wheels
# The code stays owned by root: the app cannot rewrite itself. Only instance/ is writable
# (the SQLite default lives there when DATABASE_URL is not set).
COPY wsgi.py ./
COPY migrations migrations
COPY okr_app okr_app
COPY deploy/gunicorn.conf.py deploy/entrypoint.sh deploy/
RUN mkdir instance && chown okr:okr instance
USER okr
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; port = os.environ['GUNICORN_BIND'].rsplit(':', 1)[1]; urllib.request.urlopen(f'http://127.0.0.1:{port}/health', timeout=4)"]
ENTRYPOINT ["deploy/entrypoint.sh"]
