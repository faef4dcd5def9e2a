# Production image for web (gunicorn), Celery worker and beat; see docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=propserv.settings.base \
    PROPSERV_VAR_DIR=/app/var STATIC_ROOT=/app/staticfiles MEDIA_ROOT=/app/media

# Chinese fonts and HarfBuzz subsetting for WeasyPrint PDFs; gettext for the catalogs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 \
      libpangoft2-1.0-0 gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir .
COPY . .
RUN DEBUG=true python manage.py compilemessages --ignore=.venv -v 0 \
 && DEBUG=true python manage.py collectstatic --noinput -v 0 \
 && useradd --system --home /app propserv && mkdir -p /app/var /app/media \
 && chown -R propserv /app/var /app/media
USER propserv
EXPOSE 8000
CMD ["gunicorn", "propserv.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
