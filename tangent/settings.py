"""Tangent settings: 12-factor, from environment variables (and `.env` in development).

Without a `.env` (or TANGENT_MODE=production) production rules apply: SECRET_KEY is required and
DEBUG is off. `make install` writes a `.env` with TANGENT_MODE=development and a random key.
"""

from __future__ import annotations

import ipaddress
import json

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from tangent import queues
from tangent.environment import BASE_DIR, VAR_DIR, env, env_bool, env_list, redis_url

# Django's generic classes take their type arguments at run time too, as mypy reads them:
# `admin.ModelAdmin[Course]`, `forms.ModelForm[Course]`.
django_stubs_ext.monkeypatch()

MODE = env("TANGENT_MODE", "production")
DEVELOPMENT = MODE == "development"

SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is required (run `make install` for a development .env)."
    )
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEVELOPMENT else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "tangent.admin_site.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "courseware",
    "exercises",
    "lms",
    "api",
    "lti_tool",
    "ninja",  # serves the API docs page's Swagger UI from static files, not a CDN
]

MIDDLEWARE = [
    "tangent.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "api.middleware.ApiBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lms.middleware.LtiLaunchMiddleware",  # a framed learner, carried by the launch id
    "django.contrib.messages.middleware.MessageMiddleware",
    "courseware.ratelimits.RateLimitedMiddleware",  # a view's RateLimited refusal: a 429 page
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tangent.security.ContentSecurityPolicyMiddleware",
    "lms.middleware.LtiFrameMiddleware",  # innermost: frames LTI pages for their platform only
]

ROOT_URLCONF = "tangent.urls"
WSGI_APPLICATION = "tangent.wsgi.application"

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
                "courseware.context_processors.site",
            ],
        },
    },
]

# SQLite (embedded default) runs in WAL mode so the web server and workers can share it.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'tangent.sqlite3'}", conn_max_age=600
    )
}
# A connection lives ten minutes, health-checked before a request or task reuses it: opening one
# costs PostgreSQL a new backend.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Values travel apart from the SQL, so a query's text repeats and PostgreSQL plans it once per
    # connection: psycopg prepares a statement the second time the connection runs it (a page's
    # ten-table reads were planned anew on every request). Behind PgBouncer in transaction mode
    # that needs its max_prepared_statements (1.21+), or DATABASE_PREPARED_STATEMENTS=false.
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": 2 if env_bool("DATABASE_PREPARED_STATEMENTS", default=True) else None,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's model backend with the signed-in user read by a compiled query; Django's own stays for
# the sessions it signed in (tangent.auth).
AUTHENTICATION_BACKENDS = ["tangent.auth.ModelBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # serve straight from static/ until `collectstatic` has run

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEVELOPMENT
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "tangent@localhost")

SESSION_ENGINE = "tangent.sessions"  # the database, with a copy in Redis
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEVELOPMENT:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000") or 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Redis: the Celery broker and Tangent's own keys (worker heartbeats), under one prefix so
# several deployments or test runs can share a server.
REDIS_URL = redis_url() or "redis://127.0.0.1:6379/0"
REDIS_PREFIX = env("TANGENT_REDIS_PREFIX", "tangent:")
# Verdicts pushed to the page (tangent/events.py): where browsers reach the push service. "/events"
# when a proxy routes /events/ to it on the site's own origin (deploy/k8s), a full URL when it has
# its own port (`make run` and docker-compose set one); unset, pages poll (as they do whenever push
# is unavailable).
TANGENT_EVENTS_URL = env("TANGENT_EVENTS_URL", "") or ""
# Django's cache on the same Redis, under the same prefix: session copies, the course outline, LTI
# access tokens and platform key sets. Counters, queues and pub/sub use tangent.redis_client.
CACHES = {
    "default": {
        "BACKEND": "tangent.redis_client.Cache",
        "LOCATION": REDIS_URL,
        "KEY_FUNCTION": "tangent.redis_client.cache_key",
        "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
    }
}


def unacked_restore_options(seconds: float) -> dict[str, float]:
    """Kombu's options for how often a worker looks for messages that a dead worker took and never
    acknowledged (older than the visibility timeout) and puts them back in their queue: every
    `seconds`, roughly (kombu polls every 10 s at most and scans one poll in N; 100 s, its default,
    is every 10 s and one in 10)."""
    interval = min(seconds, 10.0)
    return {
        "unacked_restore_interval": interval,
        "unacked_restore_throttle": max(1, round(seconds / interval)),
    }


CELERY_BROKER_URL = REDIS_URL
# Kombu's Redis transport, kept alive when Redis is lost while a worker holds unacknowledged
# messages (tangent/broker.py); other schemes (rediss://, sentinel://) keep kombu's own.
CELERY_BROKER_TRANSPORT = "tangent.broker:Transport" if REDIS_URL.startswith("redis://") else None
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "global_keyprefix": REDIS_PREFIX,
    # Longer than the longest grading, so a slow job is never redelivered while it still runs.
    "visibility_timeout": int(env("TANGENT_VISIBILITY_TIMEOUT", "3600") or 3600),
    **unacked_restore_options(float(env("TANGENT_UNACKED_RESTORE_SECONDS", "100") or 100)),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
# Publishing gives up quickly when Redis is away: the submission row is already stored and the
# sweeper re-queues it, so a request never hangs on the broker.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Workers keep their database connection from task to task (Celery would otherwise close it after
# every task: a new PostgreSQL backend for each grading); courseware.tasks starts and ends each task
# as Django does a request, which closes a broken connection or one older than CONN_MAX_AGE.
CELERY_DB_REUSE_MAX = 1000
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # each queue's workers set their own (tangent/queues.py)
CELERY_TASK_DEFAULT_QUEUE = queues.GRADING
CELERY_TASK_ROUTES = queues.ROUTES
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-submissions": {
        "task": "courseware.tasks.sweep_stuck_submissions",
        "schedule": float(env("TANGENT_SWEEP_INTERVAL_SECONDS", "30") or 30),
    },
}

# Announcements of "graded" lost on their way (courseware.grading.events.announce_missed): a page
# listening for push hears its verdict within this many seconds even then.
CELERY_BEAT_SCHEDULE["announce-missed-gradings"] = {
    "task": "courseware.tasks.announce_missed_gradings",
    "schedule": float(env("TANGENT_MISSED_EVENTS_INTERVAL_SECONDS", "5") or 5),
}

CELERY_BEAT_SCHEDULE["finalise-expired-exams"] = {
    "task": "courseware.tasks.finalise_expired_exams",
    "schedule": float(env("TANGENT_EXAM_SWEEP_INTERVAL_SECONDS", "15") or 15),
}
# Answers to an exam that arrive this many seconds after the learner's end are still taken
# (they were in flight); later ones are refused.
EXAM_GRACE_SECONDS = 5

CELERY_BEAT_SCHEDULE["lms-deliver-outbox"] = {
    "task": "lms.tasks.deliver_outbox",
    "schedule": float(env("TANGENT_OUTBOX_INTERVAL_SECONDS", "30") or 30),  # a safety net
}

# Open sign-up: anyone may make an account at /accounts/signup/. Off by default in production,
# where learners come through the LMS (LTI) or are made by an operator; on in development.
OPEN_SIGNUP = env_bool("TANGENT_OPEN_SIGNUP", default=DEVELOPMENT)

# LMS integration (LTI 1.3, grading API, webhooks)
# Secrets at rest (tool private keys, webhook secrets): Fernet keys, newest first.
TANGENT_ENCRYPTION_KEYS = env_list("TANGENT_ENCRYPTION_KEYS")
LTI_MAX_TOKEN_AGE_SECONDS = 300  # an id_token issued longer ago than this is refused
LTI_CLOCK_LEEWAY_SECONDS = 30
LTI_KEY_GRACE_HOURS = int(env("TANGENT_LTI_KEY_GRACE_HOURS", "72") or 72)
# Launch ids (docs/lms-setup.md): a learner's lasts 4 hours; a staff launch's lapses after 30
# minutes unused and after 2 hours in any case. The "open in a new tab" sign-in link lasts 5 minutes.
LTI_LAUNCH_TTL_SECONDS = 4 * 3600
LTI_STAFF_LAUNCH_IDLE_SECONDS = 30 * 60
LTI_STAFF_LAUNCH_MAX_SECONDS = 2 * 3600
LTI_NEW_TAB_LINK_SECONDS = 5 * 60
# Outbound requests (webhooks, callbacks, LMS endpoints) must be https to public addresses;
# tests set this to reach their own servers on 127.0.0.1.
OUTBOUND_ALLOW_PRIVATE = env_bool("TANGENT_OUTBOUND_ALLOW_PRIVATE", default=False)
OUTBOUND_TIMEOUT_SECONDS = 10
# Hosts the XQueue worker may reach over http or on private addresses (an Open edX XQueue on the
# internal network, e.g. "xqueue"); every other outbound request keeps the rule above.
XQUEUE_ALLOWED_HOSTS = env_list("TANGENT_XQUEUE_ALLOWED_HOSTS")
LMS_RETRY_BASE_SECONDS = float(env("TANGENT_LMS_RETRY_BASE_SECONDS", "10") or 10)
API_THROTTLE_PER_MINUTE = int(env("TANGENT_API_THROTTLE_PER_MINUTE", "120") or 120)

# Grading pipeline
GRADING_LEASE_SECONDS = int(env("TANGENT_GRADING_LEASE_SECONDS", "120") or 120)
QUEUED_GRACE_SECONDS = int(env("TANGENT_QUEUED_GRACE_SECONDS", "60") or 60)
GRADER_ERROR_RETRIES = 2
# A fault of ours is retried after this many seconds, twice as long after the second.
GRADER_ERROR_RETRY_BASE_SECONDS = float(env("TANGENT_GRADER_ERROR_RETRY_BASE_SECONDS", "1") or 1)
WORKER_HEARTBEAT_SECONDS = float(env("TANGENT_WORKER_HEARTBEAT_SECONDS", "5") or 5)

# Rate limits: name -> (events, seconds) per actor (a user, an API key or an address).
RATE_LIMITS = {
    # Log-in failures (courseware.login_limits): free failures, forgotten after `seconds` without one.
    "login-failures": (5, 86400),  # per account and client address, then back-off
    "login-account": (100, 3600),  # per account: past this, each address backs off from its 1st
    "login": (20, 900),  # per client address (any accounts), then back-off
    "password-reset": (10, 3600),  # reset requests per client address
    "password-reset-email": (3, 3600),  # reset requests per e-mail address
    "signup": (10, 3600),  # sign-ups per client address
    "submit": (30, 60),  # answers per learner
    "preview": (240, 60),  # previews per learner (the page previews while typing)
    "drafts": (120, 60),  # exam drafts per learner (the page saves while typing)
    "lti-login": (100, 60),  # LTI login initiations per address (per user when logged in)
    "attempts": (10, 60),  # new variants (attempts) per learner and exercise
    "attempts-day": (200, 86400),
    "tokens": (10, 3600),  # personal access tokens made per learner
}
# e.g. TANGENT_RATE_LIMITS='{"login": [1000, 300]}' when many learners share one address (a lab, a load test)
RATE_LIMITS.update(
    {
        name: tuple(value)
        for name, value in json.loads(env("TANGENT_RATE_LIMITS", "{}") or "{}").items()
    }
)
# A held log-in waits this long after the failure that held it, twice as long after each further
# one, at most the second figure (seconds).
LOGIN_BACKOFF = (60, 900)
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma separated);
# without them every request's address is REMOTE_ADDR (courseware.ratelimits.client_address).
try:
    TANGENT_TRUSTED_PROXIES = [
        str(ipaddress.ip_network(entry, strict=False))
        for entry in env_list("TANGENT_TRUSTED_PROXIES")
    ]
except ValueError as error:
    raise ImproperlyConfigured(f"TANGENT_TRUSTED_PROXIES: {error}") from None

# Scrapers send `Authorization: Bearer <METRICS_TOKEN>` to read /metrics (superusers may too).
METRICS_TOKEN = env("METRICS_TOKEN", "")

# Seeds for variants are derived from this salt (not SECRET_KEY, so rotating the key keeps variants).
VARIANT_SALT = env("TANGENT_VARIANT_SALT", "tangent-variants")

EXERCISES_DIR = BASE_DIR / "exercises"

# Logs: JSON lines in production (LOG_FORMAT=json), plain text in development; each line carries
# the request id or the submission id it belongs to.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "tangent.logs.ContextFilter"},
        "quiet_periodic_tasks": {"()": "tangent.logs.QuietPeriodicTasks"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s %(context)s"},
        "json": {"()": "tangent.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", "plain" if DEVELOPMENT else "json"),
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "tangent.access": {"level": env("ACCESS_LOG_LEVEL", "WARNING" if DEVELOPMENT else "INFO")},
        **{
            name: {"filters": ["quiet_periodic_tasks"]}
            for name in ("celery.beat", "celery.app.trace", "celery.worker.strategy")
        },
    },
}
