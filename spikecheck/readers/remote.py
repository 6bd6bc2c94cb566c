"""Remote logs (s3://, gs://, hf://, memory://, any fsspec URL) copied to a local temp path.

Readers work on local files (they seek, re-open and read event files by offset), so a
remote log or run directory is streamed once into a temporary directory under its own
base name (an MLflow metric file is named after its metric; event files are recognised by
name) and read there. fsspec is optional: `pip install 'spikecheck[remote]'`; the
filesystem's own package (s3fs, gcsfs, huggingface_hub) comes with the URL's protocol.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
from collections.abc import Iterator

from spikecheck.readers.interface import DEFAULT_MAX_INPUT_BYTES, ReadError, human_bytes

URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_BLOCK = 1 << 20


def is_remote(path: str) -> bool:
    """True for a URL with a protocol (file:// included: fsspec reads it too)."""
    return bool(URL.match(path))


def _filesystem(url: str):
    try:
        import fsspec
    except ModuleNotFoundError:
        raise ReadError(f"{url}: reading remote paths needs fsspec: "
                        "pip install 'spikecheck[remote]'") from None
    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:
        raise ReadError(f"{url}: {exc}") from None


@contextlib.contextmanager
def local_copy(url: str, limit: int = DEFAULT_MAX_INPUT_BYTES) -> Iterator[str]:
    """A local path holding the file or directory at `url`, removed afterwards; at most
    `limit` bytes are copied (0: no limit)."""
    import shutil  # only for remote paths: a local log's start-up does without
    import tempfile

    fs, path = _filesystem(url)
    tmp = tempfile.mkdtemp(prefix="spikecheck-remote-")
    try:
        try:
            is_dir = fs.isdir(path)
            members = ([p for p in fs.find(path) if not fs.isdir(p)] if is_dir
                       else [path] if fs.exists(path) else [])
        except OSError as exc:
            raise ReadError(f"{url}: {exc}") from None
        if not members:
            raise ReadError(f"{url}: no such file or directory")
        base = posixpath.basename(path.rstrip("/")) or "log"
        target = os.path.join(tmp, base)
        copied = 0
        for member in members:
            rel = posixpath.relpath(member, path) if is_dir else ""
            dest = os.path.join(target, *rel.split("/")) if is_dir else target
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            copied = _copy(fs, member, dest, url, copied, limit)
        yield target
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _copy(fs, member: str, dest: str, url: str, copied: int, limit: int) -> int:
    """Stream one remote file to `dest`; the running byte count."""
    try:
        with fs.open(member, "rb") as src, open(dest, "wb") as out:
            while block := src.read(_BLOCK):
                copied += len(block)
                if limit and copied > limit:
                    raise ReadError(f"{url}: more than {human_bytes(limit)} to copy (the "
                                    "limit of --max-input-bytes)")
                out.write(block)
    except OSError as exc:
        raise ReadError(f"{url}: {getattr(exc, 'strerror', None) or exc}") from None
    return copied
