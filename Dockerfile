# The shop's one image: web (gunicorn), worker and beat differ only in command.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=shop.settings.production

# WeasyPrint's libraries and fonts for invoices. The health check is Python
# (shop/probe.py), so no curl.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
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
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-m", "shop.probe", "/healthz"]
# Workers, timeout and keep-alive: shop/gunicorn.py (WEB_CONCURRENCY,
# GUNICORN_TIMEOUT). Worker and beat override only the command.
CMD ["gunicorn", "-c", "python:shop.gunicorn", "shop.wsgi:application"]
