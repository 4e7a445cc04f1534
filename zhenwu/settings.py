"""Zhenwu settings. Everything that differs between machines comes from the environment.

DATABASE_URL      PostgreSQL (postgres://user:pass@host/db); unset → SQLite file in the data dir
ZHENWU_DATA_DIR   where the SQLite database, uploads and the local secret key live (default ./var)
SECRET_KEY        required in production; a local install keeps a generated one in the data dir
ALLOWED_HOSTS     comma-separated host names (default 127.0.0.1,localhost)
ZHENWU_PRODUCTION 1 → HTTPS-only cookies, HSTS, SSL redirect (behind a TLS proxy)
ZHENWU_DEBUG      1 → Django debug pages (never in production)
"""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("ZHENWU_DATA_DIR") or REPO_DIR / "var").resolve()
PRODUCTION = env_flag("ZHENWU_PRODUCTION")
DEBUG = env_flag("ZHENWU_DEBUG") and not PRODUCTION
TESTING = env_flag("ZHENWU_TESTING") or "pytest" in sys.modules


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise RuntimeError("生产环境必须通过环境变量 SECRET_KEY 提供密钥 (SECRET_KEY is required).")
    # A local install (make run) keeps a random key of its own beside its database, never in git.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
if TESTING:
    ALLOWED_HOSTS += ["testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "axes",
    "ninja",
    "zhenwu.core",
    "zhenwu.plan",
    "zhenwu.investment",
    "zhenwu.enterprises",
    "zhenwu.projects",
    "zhenwu.labor",
    "zhenwu.agriculture",
    "zhenwu.inspections",
    "zhenwu.land",
    "zhenwu.cadres",
    "zhenwu.notices",
    "zhenwu.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zhenwu.core.middleware.SecurityHeadersMiddleware",
    "zhenwu.core.middleware.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhenwu.core.middleware.SessionRefreshMiddleware",
    "zhenwu.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhenwu.core.middleware.ActorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhenwu.urls"
WSGI_APPLICATION = "zhenwu.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "core:login"

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
                "django.template.context_processors.i18n",
                "zhenwu.core.context_processors.navigation",
            ],
            "builtins": [
                "django.templatetags.i18n",
                "django.templatetags.static",
                "zhenwu.core.templatetags.zhenwu",
            ],
        },
    }
]
# Form fields rendered from Django's Jinja2 widget templates: the same HTML in half the work.
FORM_RENDERER = "zhenwu.core.renderers.FormRenderer"

# --- Database: SQLite (WAL) by default, PostgreSQL when DATABASE_URL is set -------------------
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "zhenwu.sqlite3",
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=15000;"
                ),
                # A writer waits up to 15 s for the write lock instead of failing with
                # "database is locked" (reads never need it: WAL, and no request writes
                # unless it changes something).
                "timeout": 15,
                "transaction_mode": "IMMEDIATE",
            },
            # Each server thread keeps its connection between requests (as PostgreSQL's does):
            # opening one per request ran the PRAGMAs, registered Django's SQL functions and
            # re-read the schema of ~100 tables each time, with a cold page cache.
            "CONN_MAX_AGE": 600,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Passwords and login ----------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "zhenwu.core.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("ZHENWU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours: a locked account/IP may try again after 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zhenwu.core.views.pages.lockout"  # the page, or JSON for the API
AXES_VERBOSE = False

SESSION_COOKIE_AGE = int(os.environ.get("ZHENWU_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Idle timeout: eight hours after the last request. The session is NOT saved on every request
# (that made every page view a write, and a long import locked everyone out); instead
# SessionRefreshMiddleware re-saves it at most every SESSION_REFRESH_SECONDS.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 300
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
API_TOKEN_DAYS = int(os.environ.get("ZHENWU_API_TOKEN_DAYS", "30"))

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# 双征 map: an optional tile server (an intranet or offline one, URL template with {z}/{x}/{y});
# empty = no tiles, the map draws the uploaded village outlines only (docs/land.md "地图").
# Its origin is the one other host images may come from.
LAND_TILE_URL = os.environ.get("ZHENWU_LAND_TILE_URL", "").strip()
_TILE_ORIGIN = ""
if LAND_TILE_URL.startswith(("http://", "https://")):
    from urllib.parse import urlsplit

    _tile = urlsplit(LAND_TILE_URL.replace("{", "").replace("}", ""))
    _TILE_ORIGIN = f" {_tile.scheme}://{_tile.netloc}" if _tile.netloc else ""
CONTENT_SECURITY_POLICY = (
    f"default-src 'self'; img-src 'self' data: blob:{_TILE_ORIGIN}; "
    "style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_flag("ZHENWU_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
ATTACHMENT_MAX_BYTES = int(os.environ.get("ZHENWU_ATTACHMENT_MAX_MB", "20")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZHENWU_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 1000
