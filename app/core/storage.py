"""Stored files (logos, ticket attachments, job outputs) behind one interface: a local folder or S3.

FILE_STORAGE=local (the default) keeps files under FILE_STORAGE_DIR; FILE_STORAGE=s3 (or S3_BUCKET
set) keeps them in an S3-compatible bucket, so a restarted dyno and a separate worker dyno see the
same files. The database stores keys ("helpdesk/<uuid>.png", "jobs/<run id>/<name>"), never paths.
Callers validate content and check who may read a file; this module only stores and streams bytes.
"""

import os
import posixpath
import shutil
import tempfile
from pathlib import Path

from flask import abort, current_app, send_file

EXTENSION_KEY = "file_storage"
CHUNK_BYTES = 64 * 1024


class StorageKeyError(ValueError):
    """A key that is not a plain relative name (absolute, `..`, backslashes, empty parts)."""


def check_key(key: str) -> str:
    if not isinstance(key, str) or not key or key.startswith("/") or "\\" in key or "\x00" in key:
        raise StorageKeyError(f"not a storage key: {key!r}")
    parts = key.split("/")
    if any(part in ("", ".", "..") for part in parts) or posixpath.normpath(key) != key:
        raise StorageKeyError(f"not a storage key: {key!r}")
    return key


class LocalStorage:
    """Files under one folder; a key is the path relative to it."""

    name = "local"

    def __init__(self, root: str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data, content_type: str) -> str:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and renamed: a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                if isinstance(data, bytes | bytearray | memoryview):
                    out.write(data)
                else:
                    shutil.copyfileobj(data, out, CHUNK_BYTES)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def open(self, key: str):
        try:
            return self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise FileNotFoundError(key) from None

    def stat(self, key: str) -> tuple[int, str | None]:
        """(size in bytes, content type or None); FileNotFoundError when there is none."""
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return path.stat().st_size, None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects in one bucket, under an optional prefix; credentials come from boto3's usual chain."""

    name = "s3"

    def __init__(self, bucket: str, prefix: str = "", endpoint_url=None, region=None, access_key=None, secret_key=None):
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix and prefix.strip("/") else ""
        self._client_args = {
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "aws_access_key_id": access_key or None,
            "aws_secret_access_key": secret_key or None,
        }
        self._client = None
        self._pid = None

    @property
    def client(self):
        # One client per process: a forked worker (RQ work horse) makes its own connections.
        if self._client is None or self._pid != os.getpid():
            import boto3

            self._client = boto3.session.Session().client("s3", **self._client_args)
            self._pid = os.getpid()
        return self._client

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data, content_type: str) -> str:
        extra = {"ContentType": content_type or "application/octet-stream"}
        if isinstance(data, bytes | bytearray | memoryview):
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=bytes(data), **extra)
        else:
            # Multipart for large files: never the whole file in memory.
            self.client.upload_fileobj(data, self.bucket, self._key(key), ExtraArgs=extra)
        return key

    def _missing(self, exc) -> bool:
        return exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound")

    def open(self, key: str):
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except ClientError as exc:
            if self._missing(exc):
                raise FileNotFoundError(key) from None
            raise

    def stat(self, key: str) -> tuple[int, str | None]:
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if self._missing(exc):
                raise FileNotFoundError(key) from None
            raise
        return head["ContentLength"], head.get("ContentType")

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except FileNotFoundError:
            return False
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))


def backend_from_config(config) -> LocalStorage | S3Storage:
    kind = (config.get("FILE_STORAGE") or ("s3" if config.get("S3_BUCKET") else "local")).lower()
    if kind == "local":
        return LocalStorage(config["FILE_STORAGE_DIR"])
    if kind != "s3":
        raise RuntimeError(f"FILE_STORAGE must be 'local' or 's3', not {kind!r}")
    if not config.get("S3_BUCKET"):
        raise RuntimeError("FILE_STORAGE=s3 needs S3_BUCKET")
    return S3Storage(
        config["S3_BUCKET"],
        prefix=config.get("S3_PREFIX") or "",
        endpoint_url=config.get("S3_ENDPOINT_URL"),
        region=config.get("S3_REGION"),
        access_key=config.get("S3_ACCESS_KEY_ID"),
        secret_key=config.get("S3_SECRET_ACCESS_KEY"),
    )


def init_app(app) -> None:
    app.extensions[EXTENSION_KEY] = backend_from_config(app.config)


def backend() -> LocalStorage | S3Storage:
    app = current_app._get_current_object()
    if EXTENSION_KEY not in app.extensions:
        init_app(app)
    return app.extensions[EXTENSION_KEY]


def put(key: str, data, content_type: str) -> str:
    """Store bytes or a binary file object under `key` (replacing what was there); returns the key."""
    return backend().put(key, data, content_type)


def open(key: str):  # noqa: A001 - the storage verb, used as storage.open(key)
    """A binary file object to read (and close); FileNotFoundError when there is none."""
    return backend().open(key)


def read(key: str) -> bytes:
    with backend().open(key) as stream:
        return stream.read()


def exists(key: str) -> bool:
    """Whether a file is stored under `key` (False for anything that is not a key)."""
    try:
        check_key(key)
    except StorageKeyError:
        return False
    return backend().exists(key)


def delete(key: str) -> None:
    """Remove the file; nothing happens when there is none."""
    backend().delete(key)


def send(key: str | None, download_name: str | None = None, content_type: str | None = None, *, inline=False):
    """Stream the stored file as the response, or 404 when there is none. The caller checks access.

    The type is `content_type`, else the one it was stored with (S3), else guessed from the name.
    """
    if not key:
        abort(404)
    store = backend()
    try:
        check_key(key)
        size, stored_type = store.stat(key)
        stream = store.open(key)
    except (FileNotFoundError, StorageKeyError):
        abort(404)
    response = send_file(
        stream,
        mimetype=content_type or stored_type,
        as_attachment=not inline,
        download_name=download_name or posixpath.basename(key),
        etag=False,
        conditional=False,
        max_age=0,
    )
    response.content_length = size
    response.headers["Cache-Control"] = "private, no-store"
    return response
