#!/bin/sh
# Container start: apply the migrations once, then replace this shell with gunicorn so that
# it receives the container's signals (a graceful stop on SIGTERM).
# With arguments, run them instead: docker compose run --rm api flask --app wsgi users ...
set -eu

if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

# With several app hosts, set MIGRATE_ON_START=0 on all but one (or run the upgrade as a
# separate step) so that two hosts never migrate at once.
if [ "${MIGRATE_ON_START:-1}" = "1" ]; then
    flask --app wsgi db upgrade
fi
exec gunicorn -c deploy/gunicorn.conf.py wsgi:app
