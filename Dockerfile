# toolKID — one image for web (gunicorn), worker and beat (celery). See docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=toolkid.settings.production \
    TOOLKID_VAR_DIR=/app/var \
    TOOLKID_DOCUMENTS_DIR=/data/documents

# WeasyPrint's native libraries (PDF), a font, and gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin toolkid

WORKDIR /app

# Dependencies first, so code changes reuse this layer: exactly the versions and files in
# requirements.lock (hash-checked; `make lock` makes it from pyproject.toml). The project
# installs no package of its own: the code runs from /app.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY . .

# Translations and static files are built into the image. Production settings refuse to load
# without a secret, a database and a broker; these dummies exist for this step only and are
# not kept in the image (nothing connects to them).
RUN SECRET_KEY=build-time-only-dummy-secret-key-never-used-at-runtime-0123456789 \
    DATABASE_URL=postgres://build@127.0.0.1:5432/build \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
    sh -c 'python manage.py compilemessages --verbosity 0 \
        && python manage.py collectstatic --no-input --verbosity 0' \
    && mkdir -p /app/var /data/documents \
    && chown -R toolkid:toolkid /app/var /data/documents \
    && chmod 0750 /data/documents

USER toolkid

EXPOSE 8000
CMD ["gunicorn", "toolkid.wsgi:application", "--bind", "0.0.0.0:8000", "--forwarded-allow-ips", "*"]
