# The shop's one image: web (gunicorn), worker and beat differ only in command.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=shop.settings.production

# WeasyPrint's libraries and fonts for invoices; curl for the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs settings, not secrets: throwaway values for the build only.
RUN DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=build STRIPE_SECRET_KEY=build \
    STRIPE_WEBHOOK_SECRET=build python manage.py collectstatic --noinput

RUN useradd --create-home --uid 10001 shop && mkdir -p /app/var && chown -R shop /app/var
USER shop

EXPOSE 8000
# gunicorn reads its worker count from WEB_CONCURRENCY; unset, 2 per core:
# requests waiting on PostgreSQL or Redis leave the core to another worker.
CMD ["sh", "-c", "export WEB_CONCURRENCY=\"${WEB_CONCURRENCY:-$((2 * $(nproc)))}\" && exec gunicorn shop.wsgi:application --bind 0.0.0.0:8000 --access-logfile -"]
