# consult-bot container image.
#
#   docker build -t consult-bot .
#   docker run --env-file .env -p 3000:3000 -v consult-data:/data consult-bot
#
# The default command migrates the database, then runs the bot (`consult-bot db upgrade && exec
# consult-bot run`). Any other arguments run that consult-bot command instead, for example
#   docker run --rm --env-file .env -v consult-data:/data -v "$PWD:/in:ro" consult-bot partners import /in/partners.csv

ARG PYTHON_IMAGE=python:3.11-slim

# ---- builder: build the wheel, install it and its dependencies into /opt/venv --------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /src
# Only what the build needs gets here (see .dockerignore): pyproject.toml, README.md and the packages.
COPY . .

# Every dependency ships binary wheels for CPython 3.11 on Linux (psycopg[binary] included), so the
# builder needs no compiler. The venv is made without pip: the builder's pip installs into it, and
# the runtime image gets no installer at all.
RUN python -m pip wheel . --no-deps --wheel-dir /wheels \
 && python -m venv --without-pip /opt/venv \
 && python -m pip --python /opt/venv/bin/python install /wheels/*.whl \
 && /opt/venv/bin/consult-bot --help > /dev/null

# ---- runtime: the venv on a clean slim image, run as an unprivileged user --------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app \
 && mkdir -p /app /data \
 && chown app:app /app /data

# Same path as in the builder: the venv's scripts point at /opt/venv/bin/python.
COPY --from=builder /opt/venv /opt/venv
COPY docker/entrypoint.sh /usr/local/bin/consult-bot-entrypoint
RUN chmod 0755 /usr/local/bin/consult-bot-entrypoint

# SQLite by default, in the volume; set DATABASE_URL for PostgreSQL (compose.yaml does).
ENV DATABASE_URL=sqlite:////data/consult.db \
    HOST=0.0.0.0 \
    PORT=3000

WORKDIR /app
USER 10001:10001
# Declared after /data is made and chowned, so a new named volume starts out owned by the app user.
VOLUME ["/data"]
EXPOSE 3000

# GET /healthz answers 200 once the database is reachable (503 otherwise, which urlopen raises on).
# In Socket Mode (SLACK_APP_TOKEN set) the bot serves no HTTP, so there is nothing to probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/opt/venv/bin/python", "-c", "import os, sys, urllib.request; os.environ.get('SLACK_APP_TOKEN') and sys.exit(0); urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]

ENTRYPOINT ["/usr/local/bin/consult-bot-entrypoint"]
CMD ["run"]
