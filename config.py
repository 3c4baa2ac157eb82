"""Every setting comes from the environment, parsed to a typed value with a safe development default."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


class ConfigError(RuntimeError):
    pass


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def database_url(raw: str) -> str:
    """Accept the PaaS spelling postgres:// and pick the psycopg 3 driver."""
    if not raw:
        return f"sqlite:///{BASE_DIR / 'instance' / 'silogistik.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


APP_ENV = (env_str("APP_ENV") or env_str("FLASK_ENV")).lower()
IS_PRODUCTION = APP_ENV == "production"
# Only an explicit development mode (`make run` sets it) may sign sessions and API tokens with the public
# development key: anyone can sign a token with it. Anything else, an unset APP_ENV included, refuses to start.
IS_DEVELOPMENT = APP_ENV == "development"

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not IS_DEVELOPMENT:
        raise ConfigError(
            "SECRET_KEY is required: set SECRET_KEY to a long random value "
            "(APP_ENV=development alone allows the public development key, on your own machine only)"
        )
    SECRET_KEY = "dev-only-secret-key-change-me-in-production"

SQLALCHEMY_DATABASE_URI = database_url(env_str("DATABASE_URL"))
SQLALCHEMY_TRACK_MODIFICATIONS = False
# A ping per checkout costs a round trip, but a PaaS database that restarts or drops idle
# connections then never turns a user's request into an error page.
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_recycle": 1800}
REDIS_URL = env_str("REDIS_URL")
# Off: every declared per-process cache of figures and HTML computes every time (app/core/caching.py).
CACHES_ENABLED = env_bool("CACHES_ENABLED", True)
RQ_QUEUE_PREFIX = env_str("RQ_QUEUE_PREFIX")
BASE_DOMAIN = env_str("BASE_DOMAIN", "localhost").lower()
PORT = env_int("PORT", 5000)
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "DemoPass#2026")
TIMEZONE = env_str("TIMEZONE", "Asia/Jakarta")
# Where clients transfer to: printed on every invoice PDF and in its e-mail (app/billing/documents.py).
VENDOR_BANK_NAME = env_str("VENDOR_BANK_NAME", "Bank Central Asia (BCA)")
VENDOR_BANK_ACCOUNT = env_str("VENDOR_BANK_ACCOUNT", "123-456-7890")
VENDOR_BANK_HOLDER = env_str("VENDOR_BANK_HOLDER", "PT SiLogistik Teknologi Nusantara")
SINGLE_DYNO = env_bool("SINGLE_DYNO")
# Without Redis, periodic jobs (overdue invoices, SLA checks, reminders) tick inside the web process.
PERIODIC_IN_PROCESS = env_bool("PERIODIC_IN_PROCESS", True)
# Tests and deploy smokes only: `flask scheduler` runs every periodic job every N seconds instead of its cron.
PERIODIC_INTERVAL_SECONDS = env_int("PERIODIC_INTERVAL_SECONDS", 0)
# A running job writes a heartbeat this often; 4 missed beats mean its worker died (app/jobs/queue.py).
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 15)
FILE_STORAGE_DIR = env_str("FILE_STORAGE_DIR", str(BASE_DIR / "instance" / "files"))
# Logos, ticket attachments and job outputs (app/core/storage.py): the local folder above, or an
# S3-compatible bucket (FILE_STORAGE=s3, or S3_BUCKET set) that every dyno sees and a restart keeps.
# Credentials: S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY, else boto3's own (AWS_ACCESS_KEY_ID, ...).
FILE_STORAGE = env_str("FILE_STORAGE", "s3" if env_str("S3_BUCKET") else "local").lower()
S3_BUCKET = env_str("S3_BUCKET")
S3_PREFIX = env_str("S3_PREFIX")
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL")
S3_REGION = env_str("S3_REGION")
S3_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY_ID")
S3_SECRET_ACCESS_KEY = env_str("S3_SECRET_ACCESS_KEY")
# FAB's own file columns (unused by the product) and its download route read from here.
UPLOAD_FOLDER = str(Path(FILE_STORAGE_DIR) / "fab-uploads")
MAX_CONTENT_LENGTH = env_int("MAX_UPLOAD_MB", 10) * 1024 * 1024

# Mail: with no MAIL_SERVER, development writes messages to instance/mail/ instead of sending.
MAIL_SERVER = env_str("MAIL_SERVER")
MAIL_PORT = env_int("MAIL_PORT", 25)
MAIL_USERNAME = env_str("MAIL_USERNAME")
MAIL_PASSWORD = env_str("MAIL_PASSWORD")
MAIL_USE_TLS = env_bool("MAIL_USE_TLS")
MAIL_DEFAULT_SENDER = env_str("MAIL_DEFAULT_SENDER", "SiLogistik <no-reply@silogistik.test>")
MAIL_CAPTURE_DIR = env_str("MAIL_CAPTURE_DIR", str(BASE_DIR / "instance" / "mail"))

# Document numbering (billing); empty = the default pattern in code, e.g. INV/{YYYY}/{MM-roman}/{seq:04}.
INVOICE_NUMBER_PATTERN = env_str("INVOICE_NUMBER_PATTERN")
CREDIT_NOTE_NUMBER_PATTERN = env_str("CREDIT_NOTE_NUMBER_PATTERN")

# Payment gateways (used by billing).
PAYMENT_GATEWAY = env_str("PAYMENT_GATEWAY", "sandbox" if not IS_PRODUCTION else "midtrans")
MIDTRANS_SERVER_KEY = env_str("MIDTRANS_SERVER_KEY")
MIDTRANS_CLIENT_KEY = env_str("MIDTRANS_CLIENT_KEY")
MIDTRANS_IS_PRODUCTION = env_bool("MIDTRANS_IS_PRODUCTION")
XENDIT_SECRET_KEY = env_str("XENDIT_SECRET_KEY")
XENDIT_CALLBACK_TOKEN = env_str("XENDIT_CALLBACK_TOKEN")
# Where the gateways are (a staging deploy may point at a sandbox, tests at a local fake) and where they
# send the buyer back after paying.
MIDTRANS_SNAP_BASE_URL = env_str(
    "MIDTRANS_SNAP_BASE_URL",
    "https://app.midtrans.com" if MIDTRANS_IS_PRODUCTION else "https://app.sandbox.midtrans.com",
)
MIDTRANS_API_BASE_URL = env_str(
    "MIDTRANS_API_BASE_URL",
    "https://api.midtrans.com" if MIDTRANS_IS_PRODUCTION else "https://api.sandbox.midtrans.com",
)
MIDTRANS_FINISH_URL = env_str("MIDTRANS_FINISH_URL")
XENDIT_API_BASE_URL = env_str("XENDIT_API_BASE_URL", "https://api.xendit.co")
XENDIT_SUCCESS_REDIRECT_URL = env_str("XENDIT_SUCCESS_REDIRECT_URL")
XENDIT_FAILURE_REDIRECT_URL = env_str("XENDIT_FAILURE_REDIRECT_URL")

# Localization: Indonesian first, English second.
BABEL_DEFAULT_LOCALE = env_str("DEFAULT_LOCALE", "id")
BABEL_DEFAULT_TIMEZONE = TIMEZONE
BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
LANGUAGES = {
    "id": {"flag": "id", "name": "Bahasa Indonesia"},
    "en": {"flag": "gb", "name": "English"},
}

# Flask-AppBuilder. Migrations own the schema; permissions are synced by `flask app-release`.
APP_NAME = "SiLogistik"
APP_THEME = ""
FAB_CREATE_DB = False
FAB_UPDATE_PERMS = env_bool("FAB_UPDATE_PERMS", False)
FAB_ADD_SECURITY_API = False
FAB_ADD_SECURITY_VIEWS = True
FAB_API_SWAGGER_UI = True
FAB_API_MAX_PAGE_SIZE = 100
FAB_ROLES = {}
AUTH_TYPE = 1  # AUTH_DB
AUTH_ROLE_ADMIN = "Vendor Admin"
AUTH_ROLE_PUBLIC = "Public"
AUTH_USER_REGISTRATION = False
FAB_PASSWORD_COMPLEXITY_ENABLED = True
AUTH_RATE_LIMITED = env_bool("AUTH_RATE_LIMITED", True)
AUTH_RATE_LIMIT = env_str("AUTH_RATE_LIMIT", "10 per 20 second")
# Wrong passwords (sign-in page and API token login), per client address and per account tried.
AUTH_FAILURES_PER_ADDRESS = env_str("AUTH_FAILURES_PER_ADDRESS", "30 per 15 minutes")
AUTH_FAILURES_PER_ACCOUNT = env_str("AUTH_FAILURES_PER_ACCOUNT", "10 per 15 minutes")
RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
# Redis unreachable: limits are counted in each process's memory instead of failing the request.
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
RATELIMIT_SWALLOW_ERRORS = True
RATELIMIT_HEADERS_ENABLED = True
# The public tracking page (/lacak/), per client address.
TRACKING_RATE_LIMIT = env_str("TRACKING_RATE_LIMIT", "30 per minute")
FAB_SAFE_REDIRECT_HOSTS = [BASE_DOMAIN, f"*.{BASE_DOMAIN}"]
PROXY_FIX_HOPS = env_int("PROXY_FIX_HOPS", 1 if IS_PRODUCTION else 0)

WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = IS_PRODUCTION
REMEMBER_COOKIE_SECURE = IS_PRODUCTION
PERMANENT_SESSION_LIFETIME = timedelta(hours=env_int("SESSION_HOURS", 12))
JWT_ACCESS_TOKEN_EXPIRES = timedelta(hours=1)
