"""Django settings for Spasmtrack.

Everything configurable comes from environment variables read through the typed helpers below;
an optional, git-ignored `local_settings.py` next to this file can override anything. With no
configuration at all the app runs on SQLite in the per-user data directory ("So one can just
check out code, install requirements and run it").
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from platformdirs import user_data_dir

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
        "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", "0"),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": os.getenv("DB_TEST_NAME") or None},
    }


DEBUG = envbool("DEBUG", "false")
SECRET_KEY = envsecret("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = [h for h in os.getenv("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
SITE_NAME = os.getenv("SITE_NAME", "Spasmtrack")
# Local mode: the first visitor creates the only account. A clinic server turns this off.
REGISTRATION_OPEN = envbool("REGISTRATION_OPEN", "false")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "spasmtrack.accounts",
    "spasmtrack.diary",
    "spasmtrack.interop",
    "spasmtrack.trigger_points",
    "spasmtrack.questionnaires",
    "spasmtrack.reports",
    "spasmtrack.nutrition",
    "spasmtrack.insights",
    "spasmtrack.trials",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "spasmtrack.accounts.middleware.FirstRunMiddleware",
    "spasmtrack.accounts.middleware.PersonTimezoneMiddleware",
]

ROOT_URLCONF = "spasmtrack.urls"
WSGI_APPLICATION = "spasmtrack.wsgi.application"

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
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # serve straight from the package: no collectstatic for a laptop

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(14 * 24 * 3600))
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

NINJA_PAGINATION_PER_PAGE = 100
NINJA_PAGINATION_MAX_LIMIT = 1000

if os.getenv("SPASMTRACK_NO_LOCAL_SETTINGS") != "1":
    with contextlib.suppress(ImportError):
        from .local_settings import *  # noqa: F403
