"""RunnerHub settings, read from the environment (see the configuration table in README.md)."""

import logging
import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, REPORT_SAMPLE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A .env file beside manage.py (git-ignored; .env.example lists every setting) fills in what
# the real environment leaves unset: a variable set in the environment always wins.
# ENV_FILE, from the real environment only, names another file, or none when empty (the test
# settings do that, so that a developer's .env never changes what the suite tests).
ENV_FILE = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    environ.Env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (for the local demo, run `make run`)."
        )
    # Local demo only: a random key kept in var/ (git-ignored) so that logins survive the
    # development server's restarts. Nothing secret is ever committed.
    VAR_DIR.mkdir(exist_ok=True)
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])


def _origin(value: str) -> str:
    """SITE_URL must be the site's origin (a scheme and a host, and a port): every address
    the site writes is it plus a path from the root, and feeds and sitemaps take their host
    from it (runnerhub/site_url.py). Lower-cased, as browsers write it."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (ValueError for ":abc" or ":99999")
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path
        or parts.netloc.endswith(":")
        or any(c in value for c in "?#@\\")
        or any(c.isspace() for c in value)
    ):
        raise ImproperlyConfigured(
            "SITE_URL must be the site's origin, a scheme and a host (and a port) with no "
            f"path, e.g. https://advice.example.com: not {value!r}."
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


# Absolute base URL for canonical links, feeds and emails sent from background workers.
SITE_URL = _origin(env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/"))
SITE_NAME = env.str("SITE_NAME", default="RunnerHub")
# The site feed (/feed/, /feed/atom/) carries each article's whole text instead of its lead.
FEED_FULL_CONTENT = env.bool("FEED_FULL_CONTENT", default=False)

INSTALLED_APPS = [
    "runnerhub",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "django_guid",
    "reversion",  # revisions of articles, products and newsletter drafts
    "articles",
    "comments",
    "shop",
    "newsletter",
]
if DEBUG:
    # The local demo's content and `load_demo` (demo/): never installed, nor imported, in
    # production.
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    # First, so that every later middleware's log lines carry the request's id.
    "runnerhub.logs.replace_invalid_request_id",
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files need no policy. Before every view, which may ask for
    # the request's nonce.
    # Public pages for anonymous readers, whole responses (runnerhub/pagecache.py): outside
    # the CSP, session and CSRF middleware, so that it keeps and replays finished responses.
    "runnerhub.pagecache.PageCacheMiddleware",
    "runnerhub.middleware.ContentSecurityPolicyMiddleware",
    "runnerhub.middleware.security_headers",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which device, if any, passed this session's second step (user.is_verified()); then the
    # gate: no admin page, and no staff powers anywhere, until a step owed is done.
    "django_otp.middleware.OTPMiddleware",
    "runnerhub.signin.middleware.two_factor_gate",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "runnerhub.middleware.reject_nul_in_admin_queries",
    # A 404 at an address a slug change left behind becomes a 301 (only 404s pay for it).
    "articles.redirects.RedirectFallbackMiddleware",
    # Last, as axes asks: turns a sign-in it refused into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "runnerhub.urls"


# Where Django admin answers, "admin/" by default. Moving it keeps the scripts that try every
# site's /admin/ away from the sign-in page; every link, redirect and test reverses it.
def _admin_url(value: str) -> str:
    path = value.strip("/") + "/"
    # Never empty (the admin would swallow the site), no "." or ".." segment, and nothing a
    # URL pattern would read as more than plain text.
    segments = path[:-1].split("/")
    if not all(re.fullmatch(r"[A-Za-z0-9._~-]+", s) and s.strip(".") for s in segments):
        raise ImproperlyConfigured(
            f"ADMIN_URL must be a path such as admin/ or staff/desk/, not {value!r}."
        )
    return path


ADMIN_URL = _admin_url(env.str("ADMIN_URL", default="admin/"))
WSGI_APPLICATION = "runnerhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "runnerhub.context_processors.site",
                "articles.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'runnerhub.sqlite3'}"
    )
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "runnerhub.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in while its account or address is locked out (see below).
    "axes.backends.AxesStandaloneBackend",
    "runnerhub.auth.RunnerHubBackend",
]

_redis_url = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {
            # Django's RedisCache with less work per call (runnerhub/cache.py).
            "BACKEND": "runnerhub.cache.RedisCache",
            "LOCATION": _redis_url,
            # A Redis that is away or stuck costs a request at most a second: the site then
            # goes on without it (runnerhub/outages.py).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Public pages (runnerhub/pagecache.py): how long a CDN, and the app's own cache, may keep
# one (s-maxage). Pages are purged on every change, so this only bounds a copy whose purge
# was lost; 0 turns page caching off (pages stay cookie-free and say s-maxage=0).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# Fragments of public pages (runnerhub/fragments.py): kept under versioned keys that change
# when their data does, so this only bounds the memory they use; 0 turns them off.
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=86400)
# Dotted paths of functions called (with no argument) after each change to public pages,
# e.g. one that purges your CDN (README, "Production": a CDN in front).
PAGE_PURGE_HOOKS = env.list("PAGE_PURGE_HOOKS", default=[])
# `make bench` only (bench/site.py), never in normal production: mounts /bench/floor/, a
# trivial view through the whole middleware stack that every page is measured against, and
# lets a request with an `X-Bench-Miss` header skip reading the page cache (a real miss: the
# page is rendered and stored as on any miss).
BENCH = env.bool("BENCH", default=False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True
# How dates and times read, everywhere (runnerhub/formats/en_GB/formats.py), and our few
# words of Django's text that differ from its own British English (locale/en_GB).
FORMAT_MODULE_PATH = ["runnerhub.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
# Where collectstatic writes (and WhiteNoise serves from): the project's staticfiles/.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Uploaded media (hero, product and editor images and their renditions) live in Django's
# default storage: files under MEDIA_ROOT, or with MEDIA_STORAGE=s3 an S3-compatible bucket
# (AWS S3, MinIO, Cloudflare R2, ...) through django-storages. Every read and write goes
# through the storage API, and pages only build URLs, so nothing else differs.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
if MEDIA_STORAGE == "filesystem":
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    _media_options = {
        "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
        # Unset: AWS itself; e.g. https://<account>.r2.cloudflarestorage.com or MinIO's address.
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=""),
        "region_name": env.str("AWS_S3_REGION_NAME", default=""),
        # Unset: boto3 finds credentials itself (an instance or task role, ~/.aws).
        "access_key": env.str("AWS_ACCESS_KEY_ID", default=""),
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=""),
        # Where readers fetch media: a CDN or the bucket's public host name.
        "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default=""),
        "location": env.str("AWS_LOCATION", default=""),  # a folder inside the bucket
        # e.g. public-read for a bucket that uses ACLs; unset: the bucket policy decides.
        "default_acl": env.str("AWS_DEFAULT_ACL", default=""),
    }
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {key: value for key, value in _media_options.items() if value}
        | {
            # Media are public and their URLs are stored in article bodies, so they must not
            # expire: plain URLs, no signed query strings.
            "querystring_auth": False,
            # Two uploads called hero.jpg must not replace each other (the default on S3).
            "file_overwrite": False,
            # A stored name is never reused (a new upload gets a new name): cache for good.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be filesystem or s3, not {MEDIA_STORAGE!r}.")
# Django serves uploaded media itself only for the demo; production puts media on S3-compatible
# storage or behind the web server.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG and MEDIA_STORAGE == "filesystem")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            # WhiteNoise's CompressedManifestStaticFilesStorage, URLs looked up once.
            else "runnerhub.static_storage.StaticFilesStorage"
        )
    },
}

# Email: printed to the terminal in the demo; EMAIL_URL (smtp://user:pass@host:587/?tls=True)
# in production.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = (
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend"
    )
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="RunnerHub <hello@runnerhub.test>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Seconds one SMTP command may block a worker. A newsletter message is four commands and a
# batch's lease is renewed at half-time, so keep NEWSLETTER_LEASE_SECONDS >= 8 x this
# (checked at start-up: newsletter.W001).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Seconds before each retry of an email that failed for a while (SMTP away, a 4xx); the last
# one repeats. Reply and sign-up emails are given up after 50 attempts (two days).
EMAIL_RETRY_SECONDS = [
    int(seconds)
    for seconds in env.list("EMAIL_RETRY_SECONDS", default=["30", "120", "600", "1800", "3600"])
]

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Security headers that matter once the site is behind HTTPS. The proxy that terminates TLS
# must send X-Forwarded-Proto (and strip any a client sent).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
# Both are promises about every subdomain and, with preload, hard to take back: off unless
# the environment says so (README, "Production": HTTPS).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# No page of ours is framed (the newsletter preview is a srcdoc frame, which no framing rule
# applies to), so DENY; SAMEORIGIN lets our own pages frame each other. CSP's frame-ancestors
# below says the same for browsers that read it instead.
X_FRAME_OPTIONS = env.str("X_FRAME_OPTIONS", default="DENY").upper()
if X_FRAME_OPTIONS not in ("DENY", "SAMEORIGIN"):
    raise ImproperlyConfigured(
        f"X_FRAME_OPTIONS must be DENY or SAMEORIGIN, not {X_FRAME_OPTIONS!r}."
    )
CSRF_FAILURE_VIEW = "runnerhub.views.csrf_failure"

# Content Security Policy (django-csp), on every page. Nothing is allowed unless named:
# scripts only from our static files (or an inline <script> carrying the request's nonce,
# `request.csp_nonce`; none needs one today), styles and fonts only from our static files,
# images from us, data: and any https address (article bodies may show another site's https image;
# media may live on an S3 bucket or CDN), fetches only to us (the newsletter sign-up), frames
# only of the click-to-load video's players, forms only to us, and no page may be framed.
# Violations are reported to our own endpoint (runnerhub/csp_reports.py), which logs them.
# Where browsers post violation reports (runnerhub/urls.py mounts the view here). A plain
# path, not a reversed URL name, so that every response can name it whatever URLconf served it.
VIOLATION_REPORTS_PATH = "/csp-report/"
# The click-to-load video's players: articles/static/articles/video.js builds these addresses
# (a test checks that the two agree).
VIDEO_EMBED_ORIGINS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
# data: for the icons our stylesheets draw as inline SVG (an image never runs script).
_img_src = [SELF, "data:", "https:"]
if env.str("AWS_S3_ENDPOINT_URL", default="").startswith("http://"):
    # A local S3 server (MinIO on plain http, development only) serves the media.
    _img_src.append(env.str("AWS_S3_ENDPOINT_URL").rstrip("/"))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE, REPORT_SAMPLE],
        # No 'unsafe-inline' on the public site: its pages carry no style attribute or <style>
        # element (the sanitizer strips them from article bodies). The admin adds it below.
        "style-src": [SELF, REPORT_SAMPLE],
        "img-src": _img_src,
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": VIDEO_EMBED_ORIGINS,
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF if X_FRAME_OPTIONS == "SAMEORIGIN" else NONE],
        # report-uri for Firefox and Safari; Chromium uses report-to, the endpoint named in the
        # Reporting-Endpoints header (runnerhub.middleware.security_headers).
        "report-uri": VIOLATION_REPORTS_PATH,
        "report-to": "csp",
    }
}
# Added to the policy of Django admin's pages only (runnerhub.middleware): admin's own
# templates, widgets and list badges use style attributes, CKEditor 5 sets styles on its UI
# and content as it edits, and the newsletter preview shows an email, whose styles are all
# inline (the preview's srcdoc frame takes the page's policy). An injected style can restyle
# a page but not run script, and the admin is for staff only. CKEditor may show an image
# being uploaded from a blob: address.
ADMIN_CSP_UPDATE = {"style-src": [UNSAFE_INLINE], "img-src": ["blob:"]}
# Browser features no page of ours uses are switched off, for the page and every frame in it;
# the video players keep what playing a video needs (their iframe's `allow` asks for these).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
} | {
    feature: ["self", *VIDEO_EMBED_ORIGINS]
    for feature in ("autoplay", "encrypted-media", "fullscreen", "picture-in-picture")
}

# Logs go to stderr, one record a line: time, level, logger, the request's id and the message.
# LOG_FORMAT=json writes each record as one JSON object (time, level, logger, message,
# request_id, exc_info) for a log collector. The request id comes from a valid X-Request-ID
# sent by the load balancer, else a new UUID; it is returned in the response's X-Request-ID
# header (runnerhub/logs.py). Outside a request (workers, commands) it is "-"/null.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
# Python warnings (a missing static folder, a deprecation) become log records too, so that
# in JSON mode nothing else reaches stderr.
logging.captureWarnings(True)
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "UUID_FORMAT": "string",
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,  # no cross-origin script reads it
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "runnerhub.logs.RequestIdFilter"}},
    "formatters": {
        "text": {
            "()": "logging.Formatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            "defaults": {"request_id": "-"},
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601 in UTC
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers (a plain console one with DEBUG, runserver's request lines)
        # would write a second, differently formatted copy: everything goes through ours.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "django_guid": {"level": "WARNING"},  # one INFO line per request otherwise
    },
}

# Shop links: when set, product and category addresses must be on these domains
# (subdomains included), e.g. SHOP_ALLOWED_DOMAINS=shop.example.com,example-shop.co.uk
SHOP_ALLOWED_DOMAINS = env.list("SHOP_ALLOWED_DOMAINS", default=[])

# Newsletter sending: how long a worker holds a batch before another may take it over
# (a worker that dies mid-send lets its lease expire; a send job works for half of it, then
# hands over to its successor), and how many send jobs start per issue (one per worker you
# want on it).
NEWSLETTER_LEASE_SECONDS = env.int("NEWSLETTER_LEASE_SECONDS", default=120)
NEWSLETTER_SEND_TASKS = env.int("NEWSLETTER_SEND_TASKS", default=2)
# Mail providers' bounce and complaint webhooks (newsletter/webhooks.py, django-anymail):
# "user:password" that each provider's webhook URL carries, and Mailgun's signing key.
# Unset, a provider's webhook refuses every post.
ANYMAIL = {
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default=""),
    "MAILGUN_WEBHOOK_SIGNING_KEY": env.str("MAILGUN_WEBHOOK_SIGNING_KEY", default=""),
}
# Seconds a signed Mailgun webhook post is accepted either side of its signature's time;
# each signature's token is refused a second time within it (no replays; Mailgun's advice).
NEWSLETTER_WEBHOOK_MAX_AGE = env.int("NEWSLETTER_WEBHOOK_MAX_AGE", default=900)

# How many proxies in front of the app append to X-Forwarded-For (a load balancer: 1); the
# reader's address for rate limits and moderation is read from there. 0: REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Staff sign-in ------------------------------------------------------------------------------

# Failed admin sign-ins (django-axes, runnerhub/signin/lockout.py): 5 wrong passwords or
# two-factor codes for one account, whatever the address, or from one address, whatever the
# account, within an hour lock it until an hour after the last one. Kept in the database, so
# every app process and a restart see the same lockout; the address is the one rate limits
# use (TRUSTED_PROXY_COUNT). Attempts during a lockout are refused without being counted, so
# the time on the lockout page holds. A success does not wipe the count: that would let
# anyone with one good password reset their address's count between guesses.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "runnerhub.signin.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "runnerhub.signin.views.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
# Attempts go when their hour is over; no log of every successful sign-in with its address
# is kept for ever (the site keeps addresses only as long as they are needed).
AXES_DISABLE_ACCESS_LOG = True
# Our own admin (Site and people → Sign-in attempts) shows the locks and unlocks.
AXES_ENABLE_ADMIN = False
# Never stored with an attempt nor logged: what was typed in the sign-in forms.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_VERBOSE = False  # no start-up banner in every process's log
# Whom staff ask to unlock an account or replace a lost second factor (shown on those pages).
ADMIN_HELP_CONTACT = env.str("ADMIN_HELP_CONTACT", default="")

# Two-factor sign-in (django-otp, runnerhub/signin/two_factor.py): any staff account may set up
# an authenticator app (with ten recovery codes); ADMIN_2FA_REQUIRED makes it compulsory for
# superusers or for all staff, who are then sent to set it up before any admin page. Off for
# the local demo, so its printed logins work as they are.
ADMIN_2FA_REQUIRED = env.str("ADMIN_2FA_REQUIRED", default="none" if DEBUG else "superusers")
if ADMIN_2FA_REQUIRED not in ("none", "superusers", "staff"):
    raise ImproperlyConfigured(
        f"ADMIN_2FA_REQUIRED must be none, superusers or staff, not {ADMIN_2FA_REQUIRED!r}."
    )
OTP_TOTP_ISSUER = SITE_NAME  # the name authenticator apps show beside the code
# Superusers reset an account's devices (Users → Reset two-factor sign-in); nobody reads keys
# or recovery codes back in admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# A public form sent sooner than this after it was shown is treated as a bot.
ANTISPAM_MIN_SECONDS = env.int("ANTISPAM_MIN_SECONDS", default=3)

# A comment's IP address is kept this long, for abuse control only, then cleared (by a task
# queued at most daily as comments come in, or `manage.py purge_comment_ips` from cron).
COMMENT_IP_RETENTION_DAYS = env.int("COMMENT_IP_RETENTION_DAYS", default=30)

# Rich text and images ------------------------------------------------------------------------

IMAGE_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
