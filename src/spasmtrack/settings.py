"""Django settings for Spasmtrack.

Everything configurable comes from environment variables read through the typed helpers below;
an optional, git-ignored `local_settings.py` next to this file can override anything. With no
configuration at all the app runs on SQLite in the per-user data directory ("So one can just
check out code, install requirements and run it").
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import os
import zlib
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from platformdirs import user_data_dir

from spasmtrack.features import FEATURE_APPS

BASE_DIR = Path(__file__).resolve().parent


def envbool(name: str, default: str) -> bool:
    v = os.getenv(name, default).strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {v!r}")


def envint(name: str, default: str) -> int:
    v = os.getenv(name, default)
    try:
        return int(v)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {v!r}") from None


def envsecret(name: str, default: str = "") -> str:
    """The value of NAME, or the contents of the file named by NAME_FILE (for Docker secrets)."""
    if path := os.getenv(f"{name}_FILE"):
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as e:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {e}") from None
    return os.getenv(name, default)


def data_dir() -> Path:
    """The per-user data directory (created on first use); SPASMTRACK_DATA_DIR overrides it."""
    path = Path(os.getenv("SPASMTRACK_DATA_DIR") or user_data_dir("spasmtrack", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _local_secret_key() -> str:
    """A random key kept in the data directory, so a laptop install needs no configuration."""
    path = data_dir() / "secret_key"
    if not path.exists():
        # (imported here: `secrets` brings hmac, hashlib and random, which the pure commands
        # that read these settings, e.g. `trp find`, never use)
        import secrets

        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def database_from_url(url: str) -> dict[str, object]:
    """Translate postgres://user:pass@host:port/name into a Django DATABASES entry."""
    u = urlparse(url)
    if u.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(f"DATABASE_URL: only postgres:// is supported, got {u.scheme!r}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(u.path.lstrip("/")) or "spasmtrack",
        "USER": unquote(u.username or ""),
        "PASSWORD": unquote(u.password or ""),
        "HOST": u.hostname or "",
        "PORT": str(u.port or ""),
        "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", "60"),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": os.getenv("DB_TEST_NAME") or None},
    }


# PRODUCTION=true: a shared server behind a TLS proxy (HTTPS-only cookies, HSTS, TOTP for
# clinicians and admins, and no generated or default secret). Local use leaves it off.
PRODUCTION = envbool("PRODUCTION", "false")
DEBUG = envbool("DEBUG", "false")
SECRET_KEY = envsecret("SECRET_KEY") or ("" if PRODUCTION else _local_secret_key())
ALLOWED_HOSTS = [h for h in os.getenv("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]


def secret_entropy_bits(key: str) -> float:
    """An optimistic estimate of a key's entropy: the Shannon entropy of its own character
    frequencies per character, times the number of characters zlib cannot squeeze out (a
    repeated pattern counts once). token_urlsafe(50) scores about 350, token_hex(32) and
    Django's get_random_secret_key() over 200; "abcdefghij" * 5 about 40."""
    if not key:
        return 0.0
    n = len(key)
    per_char = -sum(c / n * math.log2(c / n) for c in Counter(key).values())
    incompressible = min(n, len(zlib.compress(key.encode("utf-8"), 9)) - 8)  # minus the framing
    return per_char * max(incompressible, 0)


MIN_SECRET_BITS = 128


def check_production_secret(key: str) -> None:
    """Refuse to run a shared server with an empty, short, well-known or low-entropy key."""
    known = ("change-me", "changeme", "secret", "django-insecure")
    repeated = key in (key + key)[1:-1]  # "xyz" * k for some shorter "xyz"
    weak = repeated or secret_entropy_bits(key) < MIN_SECRET_BITS
    if len(key) < 50 or len(set(key)) < 5 or key.lower().startswith(known) or weak:
        raise ImproperlyConfigured(
            "PRODUCTION=true needs SECRET_KEY (or SECRET_KEY_FILE): at least 50 random characters "
            f"(about {MIN_SECRET_BITS} bits or more, no repeated pattern), not a default. "
            "Generate one with: python -c "
            "'import secrets; print(secrets.token_urlsafe(50))'"
        )


if PRODUCTION:
    check_production_secret(SECRET_KEY)
    if DEBUG:
        raise ImproperlyConfigured("PRODUCTION=true and DEBUG=true cannot be combined")
    if not os.getenv("ALLOWED_HOSTS"):
        raise ImproperlyConfigured("PRODUCTION=true needs ALLOWED_HOSTS (the server's host names)")
    if any(h.strip() in ("*", ".") for h in ALLOWED_HOSTS):
        raise ImproperlyConfigured(
            "PRODUCTION=true refuses ALLOWED_HOSTS='*': name the server's host names "
            "(a wildcard lets forged Host headers into password-reset links and redirects)"
        )
SITE_NAME = os.getenv("SITE_NAME", "Spasmtrack")
# Where people reach this server: the start of the share links the CLI prints (pages use the
# address the browser asked for).
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    # (not "ninja": as an app it would import ninja and pydantic at every django.setup(), a
    # tenth of a second for each CLI command; NINJA_DIR below serves its Swagger files instead)
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # (not "csp": its app only registers a check for django-csp's pre-4.0 setting names, whose
    # import of packaging and importlib.metadata costs every command; the middleware needs no
    # app, and no template loads its tags)
    "spasmtrack.accounts",
    "spasmtrack.diary",
    *(f"spasmtrack.{app}" for app in FEATURE_APPS),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # "database is locked" (SQLite during a long import) -> 503 with Retry-After, not a 500.
    "spasmtrack.busy.DatabaseBusyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "spasmtrack.accounts.middleware.FirstRunMiddleware",
    "spasmtrack.accounts.middleware.PersonTimezoneMiddleware",
    "spasmtrack.accounts.middleware.SecondFactorMiddleware",
    # After the person is known: a create sent again with the same Idempotency-Key replays.
    "spasmtrack.idempotency.IdempotencyMiddleware",
    # Last, so a locked-out sign-in becomes a plain 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "spasmtrack.urls"
WSGI_APPLICATION = "spasmtrack.wsgi.application"

# django-ninja's own templates and static Swagger files (/api/docs from here, not a CDN), found
# without importing the package.
NINJA_DIR = Path(importlib.util.find_spec("ninja").origin).parent  # type: ignore[union-attr, arg-type]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "spasmtrack.accounts.context.site",
            ]
        },
    }
]

if url := envsecret("DATABASE_URL"):
    DATABASES = {"default": database_from_url(url)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": data_dir() / "spasmtrack.sqlite3",
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", "60"),
            "OPTIONS": {
                # WAL lets readers run beside the one writer; synchronous=FULL makes every
                # committed (and so acknowledged) write durable across a power cut or kill -9.
                "init_command": (
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; "
                    "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

# Messages live in the session, so a shared computer's next account never sees the last one's
# "Saved: …" (the default cookie storage survives signing out and in as someone else).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Widgets (the body map) render with the project's templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT") or data_dir() / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static", NINJA_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # serve straight from the package: no collectstatic for a laptop

# A laptop keeps you signed in for two weeks; a shared server for one working day.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(8 * 3600 if PRODUCTION else 14 * 24 * 3600))
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Security: passwords, sign-in throttling, second factor, CSP, HTTPS -----------------------

# Argon2 for new and changed passwords; older PBKDF2 hashes still verify and are upgraded on the
# next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# django-axes first: it refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", "30") / 60  # hours
# Lock the (account, address) pair: a guesser cannot lock a clinic's shared address out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "spasmtrack.accounts.audit.client_ip"
AXES_VERBOSE = False
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "1" if PRODUCTION else "0")
# Clinicians and admins must confirm a TOTP code after the password (on by default in production).
REQUIRE_TOTP_FOR_STAFF = envbool("REQUIRE_TOTP_FOR_STAFF", "true" if PRODUCTION else "false")
OTP_TOTP_ISSUER = SITE_NAME

# Scripts only from our own files; inline style attributes stay allowed (bar widths, htmx's
# indicator style). No page loads anything from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if PRODUCTION:
    # TLS ends at the reverse proxy, which must set X-Forwarded-Proto (see docs/deploy.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", str(365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")
    CSRF_TRUSTED_ORIGINS = [o for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
    # /healthz is probed over plain HTTP by the proxy or a load balancer.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Server errors: every unhandled exception is logged to standard error with its request path
# and traceback ("Internal Server Error: /api/..."), with DEBUG on or off. Never the request
# body, headers or anything else of the request: Django's message holds the path only. Under
# `spasmtrack serve`, gunicorn's workers write it to the server's stderr (docs/deploy.md).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "plain",
        }
    },
    "loggers": {
        # 5xx with traceback (4xx are the client's business, and the access log has them).
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
    },
}

# Reminders (spasmtrack.reminders). Links in e-mails point at SITE_URL; the VAPID key pair for
# Web Push and the local HTTPS certificates (`serve --https`) live in the data directory.
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000")
REMINDERS_KEY_DIR = str(
    Path(os.getenv("SPASMTRACK_DATA_DIR") or user_data_dir("spasmtrack", appauthor=False))
)
VAPID_SUBJECT = os.getenv("VAPID_SUBJECT", "mailto:reminders@spasmtrack.invalid")
# E-mail reminders go through Django's SMTP backend (defaults: Django's, localhost:25). A send
# that fails is retried by the reminder workers, up to 5 attempts.
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "false")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "20")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Spasmtrack <reminders@localhost>")

# /api/docs and /api/openapi.json: open on a laptop; with PRODUCTION, for signed-in people only
# unless PUBLIC_API_DOCS=true.
PUBLIC_API_DOCS = envbool("PUBLIC_API_DOCS", "false")

NINJA_PAGINATION_PER_PAGE = 100
NINJA_PAGINATION_MAX_LIMIT = 1000

if os.getenv("SPASMTRACK_NO_LOCAL_SETTINGS") != "1":
    with contextlib.suppress(ImportError):
        from .local_settings import *  # noqa: F403
