"""Files written whole or not at all.

A file is written under a temporary name in the same directory, flushed to disk and only then
given its name (``os.replace`` is atomic within one file system). A full disk, a killed process
or a lost mount leaves at most the temporary file, which is removed when the error is seen,
and never a half-written file under the name a reader trusts.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


class FileWriteError(Exception):
    """Writing failed; no file was left under the name asked for. The message is Swedish."""


def describe(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "disken är full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "skrivning är inte tillåten där"
    if exc.errno == errno.ENOENT:
        return "katalogen finns inte"
    return exc.strerror or str(exc)


def write_bytes_atomic(path: Path | str, data: bytes, *, mode: int = 0o600) -> Path:
    """Write ``data`` to ``path`` whole or not at all (readable by its owner only)."""
    path = Path(path)
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise FileWriteError(f"Kunde inte skriva {path}: {describe(exc)}.") from exc
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise FileWriteError(
            f"Kunde inte skriva {path}: {describe(exc)}. Ingen fil skrevs."
        ) from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
