"""Settings shared by every environment, driven by environment variables.

Every variable read here is documented in `.env.example` and the README.
`local.py`, `production.py` and `test.py` only override.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from redis.connection import parse_url as parse_redis_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

# GENERAL
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
LANGUAGE_CODE = "en-in"
# Indian date formats (shop/formats/en_IN): Django ships none for en-in.
FORMAT_MODULE_PATH = ["shop.formats"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Kolkata")
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# DATABASES
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", 60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query whose plan looks costly; a category listing
    # of a 300,000-product catalogue spent longer compiling than running
    # (docs/performance.md). The shop's queries are many and short: no JIT.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

# APPS
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_ratelimit",
    "corsheaders",
    "storages",
    "shop",
    "accounts",
    "catalog",
    "orders",
]

MIDDLEWARE = [
    "shop.middleware.RequestLogMiddleware",
    # Compresses what every middleware below has finished; since Django 4.2
    # it pads each body at random ("Heal The Breach") against BREACH on pages
    # that carry a CSRF token.
    "django.middleware.gzip.GZipMiddleware",
    # Before anything that may answer, so refusals carry CORS headers too.
    "shop.cors.ShopCorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shop.middleware.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The shopper's store, which pages, their caches and the cart depend on.
    "orders.stores.shopper.ShopperMiddleware",
    "shop.errors.NotFoundPageMiddleware",
    "shop.httpcache.HttpCacheHeadersMiddleware",
    "shop.pagecache.AnonymousPageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Inside the header middleware above, so its 413 carries their headers,
    # and run before any view or process_view (CSRF) reads the body.
    "shop.middleware.BodySizeLimitMiddleware",
    "shop.middleware.ApiRefusalMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"
ASGI_APPLICATION = "shop.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shop.context_processors.shop",
                "orders.context_processors.cart",
            ],
        },
    }
]

# AUTHENTICATION
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "catalog:home"
LOGOUT_REDIRECT_URL = "catalog:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator",
        # The user has a `name`, not Django's first and last names.
        "OPTIONS": {"user_attributes": ["email", "name", "phone"]},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lifetime of the signed links in verification and reset emails.
ACCOUNT_EMAIL_VERIFICATION_MAX_AGE = env.int(
    "ACCOUNT_EMAIL_VERIFICATION_MAX_AGE", default=3 * 24 * 3600
)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 24 * 3600)

# CACHES
# Rate-limit counters must be shared by every web process, so the cache is
# Redis when it is there and the database otherwise; never local memory.
REDIS_URL = env("REDIS_URL", default="")
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", default="shop")
if REDIS_URL:
    CACHES = {
        "default": {
            # An unreachable Redis is a cache miss, never a 500 (shop/cache.py).
            "BACKEND": "shop.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # diskcache keeps the cache in SQLite files that every local process
    # shares, with the atomic increment that rate limits need.
    CACHES = {
        "default": {
            "BACKEND": "diskcache.DjangoCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# CELERY
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# Without a broker the tasks run in the web process, as `make run` wants.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged after it ran, and given back when its worker dies,
# so a crash means a redelivery; the tasks are idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=120)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=90)
# Seconds before Redis hands an unacknowledged task (its worker died) to
# another worker; longer than any task with its retries' countdowns.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=3600)
}
# Seconds after which the invoicing sweep queues again paperwork with no
# failure on record (a lost task, a killed worker): longer than a task may run,
# so a live task is left alone, and far shorter than the visibility timeout.
SHOP_INVOICING_STUCK_AFTER_SECONDS = env.int(
    "SHOP_INVOICING_STUCK_AFTER_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers log through LOGGING below (JSON in production, with the request
# and task ids), not through Celery's own handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "shop.tasks.email_*": {"queue": "emails"},
    "orders.invoicing.tasks.*": {"queue": "invoices"},
}
CELERY_BEAT_SCHEDULE = {
    "orders-expire-unpaid": {
        "task": "orders.tasks.orders_expire_unpaid",
        "schedule": timedelta(minutes=1),
    },
    "payments-reconcile": {
        "task": "orders.payments.tasks.payments_reconcile",
        "schedule": timedelta(minutes=5),
    },
    "delivery-slots-ensure": {
        "task": "orders.tasks.delivery_slots_ensure",
        "schedule": crontab(minute=5, hour="*/6"),
    },
    # Invoices and emails whose task was lost (broker down at commit time,
    # or a worker killed in the middle of it).
    "invoicing-sweep": {
        "task": "orders.invoicing.tasks.invoicing_sweep",
        "schedule": timedelta(minutes=1),
    },
    # Clean-ups: rows nothing reads any more, at a quiet hour.
    "sessions-clear-expired": {
        "task": "shop.tasks.sessions_clear_expired",
        "schedule": crontab(minute=15, hour=3),
    },
    "jwt-tokens-flush-expired": {
        "task": "accounts.tasks.jwt_tokens_flush_expired",
        "schedule": crontab(minute=25, hour=3),
    },
    "idempotency-records-prune": {
        "task": "shop.tasks.idempotency_records_prune",
        "schedule": crontab(minute=45, hour=3),
    },
    "stripe-events-prune": {
        "task": "orders.payments.tasks.stripe_events_prune",
        "schedule": crontab(minute=35, hour=3),
    },
}
# One beat runs the schedule at a time: RedBeat keeps it in Redis under a
# lock that the running beat renews every loop. A second beat waits for the
# lock and takes over within CELERY_REDBEAT_LOCK_TIMEOUT seconds of the
# first one dying (docs/operations.md).
if REDIS_URL:
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = env("CELERY_REDBEAT_REDIS_URL", default=REDIS_URL)
    CELERY_REDBEAT_KEY_PREFIX = f"{CACHE_KEY_PREFIX}:redbeat"
    CELERY_REDBEAT_LOCK_TIMEOUT = env.int("CELERY_REDBEAT_LOCK_TIMEOUT", default=30)
    # The lock is renewed once a loop, so a loop must be shorter than the lock.
    CELERY_BEAT_MAX_LOOP_INTERVAL = env.int("CELERY_BEAT_MAX_LOOP_INTERVAL", default=5)

# LIVE (orders/live/: order events over WebSockets, served by shop/live.py)
# Every ASGI process hears every event through Redis; without Redis (`make
# run`) the one runserver process passes them along in memory.
if REDIS_URL:
    # Redis pub/sub: an event for a group is one message per ASGI process,
    # which hands it to its own sockets. (channels-redis's list-based layer
    # pops every socket's copy from Redis one by one: 1,000 sockets watching
    # a store took seconds per event, and its per-process capacity dropped
    # most copies; docs/performance.md.) Pub/sub keeps nothing for a process
    # that was away, which the database replay (`last`) makes good.
    CHANNEL_REDIS_URL = env("CHANNEL_REDIS_URL", default=REDIS_URL)
    # Pub/sub channels ignore Redis's database number: two shops, or two test
    # runs, in separate dbs of one Redis would hear each other's events. The
    # prefix carries the number, as kombu's fanout prefix does for Celery.
    _live_db = parse_redis_url(CHANNEL_REDIS_URL).get("db", 0)
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [CHANNEL_REDIS_URL],
                "prefix": f"{CACHE_KEY_PREFIX}:{_live_db}:live",
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "orders.live.layers.ProcessChannelLayer"}}
# The WebSocket origin the shop's pages connect to, such as wss://live.example
# .com; empty means the page's own origin, whose /ws/ the proxy sends to the
# ASGI service (deploy/nginx).
SHOP_LIVE_URL = env("SHOP_LIVE_URL", default="").rstrip("/")
# Seconds a new connection has to send its `subscribe` message (docs/api.md).
SHOP_LIVE_SUBSCRIBE_SECONDS = env.int("SHOP_LIVE_SUBSCRIBE_SECONDS", default=10)
# Seconds between the steps a paid order takes by itself (packed, out for
# delivery, delivered), so a demo shows the live page at work; 0 is off, and
# production.py refuses anything else.
SHOP_DEMO_FULFILMENT_SECONDS = env.int("SHOP_DEMO_FULFILMENT_SECONDS", default=0)

# EMAIL
EMAIL_BACKEND = env(
    "EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="FreshCart <orders@freshcart.test>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# STORAGE
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="ap-south-1")
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default=None)
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default=None)
# A storage without options of its own keeps objects private: links are
# signed and expire, on the S3 endpoint.
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_AUTH = True
AWS_S3_FILE_OVERWRITE = False
if AWS_STORAGE_BUCKET_NAME:
    # Catalogue pictures are public: stable unsigned links that a CDN and the
    # page cache can keep, on AWS_S3_CUSTOM_DOMAIN (a CDN, or the proxy's
    # /media/) when it is set. The bucket lets anyone read the catalogue's
    # prefixes only (`media_bucket_create`); the rest of it stays private.
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "querystring_auth": False,
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Invoices and credit notes are private in every mode: a folder outside
# MEDIA_ROOT (which is served under MEDIA_URL without a bucket), or private
# objects with signed links, whatever the public media use. Only the owner's
# and staff's download views read them.
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
if AWS_STORAGE_BUCKET_NAME:
    _invoice_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "default_acl": "private",
            "querystring_auth": True,
            "custom_domain": None,
        },
    }
else:
    _invoice_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    }
STORAGES = {
    "default": _media_storage,
    "invoices": _invoice_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Largest accepted upload of a product or category picture, in bytes.
SHOP_MAX_IMAGE_BYTES = env.int("SHOP_MAX_IMAGE_BYTES", default=5 * 1024 * 1024)
# Pillow refuses images above this many pixels, which stops decompression bombs.
SHOP_MAX_IMAGE_PIXELS = env.int("SHOP_MAX_IMAGE_PIXELS", default=40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest request body a path takes, checked from Content-Length before any
# of it is read (shop.middleware.BodySizeLimitMiddleware): 1 MiB for forms
# and JSON, more where the admin takes pictures.
SHOP_MAX_BODY_BYTES = env.int("SHOP_MAX_BODY_BYTES", default=1024 * 1024)
SHOP_MAX_BODY_BYTES_BY_PATH = {
    "/admin/": env.int("SHOP_MAX_ADMIN_BODY_BYTES", default=50 * 1024 * 1024),
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# SHOP
SHOP_NAME = env("SHOP_NAME", default="FreshCart")
SHOP_ADDRESS = env(
    "SHOP_ADDRESS",
    default="FreshCart Retail Pvt Ltd, 12 MG Road, Bengaluru 560001, India",
)
SHOP_TAX_ID = env("SHOP_TAX_ID", default="29ABCDE1234F1Z5")
SHOP_CURRENCY = env("SHOP_CURRENCY", default="INR")
# Tax included in prices, shown on invoices as a share of the total.
SHOP_TAX_RATE = Decimal(env("SHOP_TAX_RATE", default="0.05"))
SHOP_DELIVERY_FEE = Decimal(env("SHOP_DELIVERY_FEE", default="30.00"))
SHOP_FREE_DELIVERY_THRESHOLD = Decimal(
    env("SHOP_FREE_DELIVERY_THRESHOLD", default="499.00")
)
# Against inventory hoarding (docs/operations.md): an unpaid order holds its
# stock and slot this long, a shopper may keep this many orders awaiting
# payment (one client address this many, across accounts), and one order may
# take at most this percentage of what is left of a variant, but always at
# least the minimum units.
SHOP_PAYMENT_TIMEOUT_MINUTES = env.int("SHOP_PAYMENT_TIMEOUT_MINUTES", default=10)
SHOP_MAX_UNPAID_ORDERS = env.int("SHOP_MAX_UNPAID_ORDERS", default=2)
SHOP_MAX_UNPAID_ORDERS_PER_CLIENT = env.int(
    "SHOP_MAX_UNPAID_ORDERS_PER_CLIENT", default=4
)
SHOP_ORDER_SHARE_PERCENT = env.int("SHOP_ORDER_SHARE_PERCENT", default=50)
SHOP_ORDER_SHARE_MIN_UNITS = env.int("SHOP_ORDER_SHARE_MIN_UNITS", default=5)
SHOP_MAX_LINE_QUANTITY = env.int("SHOP_MAX_LINE_QUANTITY", default=50)
SHOP_PAGE_SIZE = env.int("SHOP_PAGE_SIZE", default=24)
# Orders one hourly delivery slot takes; `delivery_slots_ensure` creates slots.
SHOP_SLOT_CAPACITY = env.int("SHOP_SLOT_CAPACITY", default=20)
# Hours an API Idempotency-Key is remembered (shop/idempotency.py).
SHOP_IDEMPOTENCY_KEY_HOURS = env.int("SHOP_IDEMPOTENCY_KEY_HOURS", default=24)
# Local hours at which hourly delivery slots start, first to last (0-23).
SHOP_DELIVERY_FIRST_HOUR = env.int("SHOP_DELIVERY_FIRST_HOUR", default=7)
SHOP_DELIVERY_LAST_HOUR = env.int("SHOP_DELIVERY_LAST_HOUR", default=22)
if not 0 <= SHOP_DELIVERY_FIRST_HOUR <= SHOP_DELIVERY_LAST_HOUR <= 23:
    raise ImproperlyConfigured(
        "SHOP_DELIVERY_FIRST_HOUR and SHOP_DELIVERY_LAST_HOUR must be hours "
        "0-23, the first not after the last."
    )
# Open the coming days' slots whenever slots are asked for, so a shop run
# without Celery beat (`make run`) can always be booked.
SHOP_DELIVERY_SLOTS_ON_DEMAND = env.bool("SHOP_DELIVERY_SLOTS_ON_DEMAND", default=False)
# Treat every active dark store as open at any hour, whatever its opening
# hours say, so that `make run` offers express delivery at 3 a.m. too.
SHOP_STORES_ALWAYS_OPEN = env.bool("SHOP_STORES_ALWAYS_OPEN", default=False)
# Anonymous catalogue pages served from the cache, keyed by the catalogue
# generation (shop/pagecache.py); PostgreSQL only. SHOP_RELEASE names the
# deployed code in the key; empty means a hash of the code and templates.
SHOP_PAGE_CACHE = env.bool("SHOP_PAGE_CACHE", default=True)
SHOP_PAGE_CACHE_TIMEOUT = 300
SHOP_RELEASE = env("SHOP_RELEASE", default="")
# `demo_users` and `seed_demo` create accounts with published passwords;
# production.py turns this off and they refuse to run.
SHOP_DEMO_ACCOUNTS = True
# Seconds a CDN or browser may reuse an anonymous API catalogue read without
# asking again; 0 makes it revalidate every time (its ETag answers 304).
SHOP_HTTP_MAX_AGE = env.int("SHOP_HTTP_MAX_AGE", default=0)

# PAYMENTS
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Where stripe-python sends its calls; a stand-in on loopback in tests.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="https://api.stripe.com")
# The in-shop test-card page; production.py refuses to start with it on.
SHOP_OFFLINE_PAYMENTS = env.bool("SHOP_OFFLINE_PAYMENTS", default=not STRIPE_SECRET_KEY)
# How long a PaymentIntent may sit unanswered before the beat task asks Stripe.
SHOP_PAYMENT_RECONCILE_AFTER_MINUTES = env.int(
    "SHOP_PAYMENT_RECONCILE_AFTER_MINUTES", default=5
)
# Days a processed webhook event is kept (it dedupes Stripe's redeliveries).
SHOP_STRIPE_EVENT_RETENTION_DAYS = env.int(
    "SHOP_STRIPE_EVENT_RETENTION_DAYS", default=30
)

# RATE LIMITS (django-ratelimit rates: "count/period", period in s, m, h or d)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "shop.errors.ratelimited"
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
# Every limit keyed on the client's address asks shop/client_ip.py, which
# believes X-Forwarded-For only from these proxies (addresses or networks).
RATELIMIT_IP_META_KEY = "shop.client_ip.client_ip"
SHOP_TRUSTED_PROXIES = env.list("SHOP_TRUSTED_PROXIES", default=[])
SHOP_RATE_LOGIN_IP = env("SHOP_RATE_LOGIN_IP", default="20/m")
SHOP_RATE_LOGIN_ACCOUNT = env("SHOP_RATE_LOGIN_ACCOUNT", default="5/m")
SHOP_RATE_SIGNUP = env("SHOP_RATE_SIGNUP", default="10/h")
SHOP_RATE_PASSWORD_RESET = env("SHOP_RATE_PASSWORD_RESET", default="5/h")
SHOP_RATE_TOKEN_REFRESH = env("SHOP_RATE_TOKEN_REFRESH", default="30/m")
SHOP_RATE_VERIFY_RESEND = env("SHOP_RATE_VERIFY_RESEND", default="3/h")
SHOP_RATE_CHECKOUT = env("SHOP_RATE_CHECKOUT", default="10/m")
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.jwt.VersionedJWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["shop.parsers.ShopJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "shop.pagination.PageNumberPagination",
    "PAGE_SIZE": 24,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "shop.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "shop.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", 5)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", 14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env("JWT_SIGNING_KEY", default=SECRET_KEY),
    "AUTH_HEADER_TYPES": ("Bearer",),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FreshCart API",
    "DESCRIPTION": (
        "The shop's public API for SPA and mobile clients. Every path ends in "
        "`/`: a GET without it is redirected (301), any other method gets 308 "
        "(repeat it, body and all, at `Location`). Bodies are JSON (else 415 "
        "`unsupported_media_type`); answers are JSON, downloads PDF (an Accept "
        "that allows neither: 406 `not_acceptable`). Rate-limited operations "
        "answer 429 `rate_limited` with `Retry-After`. Errors share one shape, "
        "`{code, detail, fields?}`; docs/api.md has the conventions."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI is served by the shop itself, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Several serializers have a `status`; each choice set gets one clear name.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "shop.api_schema.request_defaults_described",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.OrderStatus",
        "PaymentStatusEnum": "orders.models.Payment.Status",
        "DeliveryKindEnum": "orders.models.DeliveryKind",
    },
}

# CORS (shop/cors.py): SPA origins allowed to call the API, such as
# https://app.example.com. Cookie mode's refresh and logout also need the
# origin in DJANGO_CSRF_TRUSTED_ORIGINS, for the CSRF check.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_CREDENTIALS = False
SHOP_CORS_CREDENTIALS_URLS_REGEX = r"^/api/v1/auth/(token|token/refresh|logout)/$"
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "if-none-match",
    "x-csrftoken",
    "x-request-id",
)
CORS_EXPOSE_HEADERS = ("etag", "retry-after", "x-request-id", "location")
CORS_PREFLIGHT_MAX_AGE = 3600

# SECURITY
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "shop.errors.csrf_failure"
_stripe_js = ["https://js.stripe.com"] if STRIPE_PUBLISHABLE_KEY else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", *_stripe_js],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "frame-src": ["'self'", *_stripe_js],
        "connect-src": [
            "'self'",
            *(["https://api.stripe.com"] if _stripe_js else []),
            *([SHOP_LIVE_URL] if SHOP_LIVE_URL else []),
        ],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# LOGGING
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "shop.logs.RequestContextFilter"}},
    "formatters": {
        "text": {
            "()": "logging.Formatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            "defaults": {"request_id": "-"},
        },
        "json": {"()": "shop.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}
