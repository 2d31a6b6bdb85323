"""``ipaudit keygen FILE``: a new pseudonymisation key, readable by its owner only.

A key is 32 random bytes from the operating system's generator (``secrets``), written as 64
hexadecimal digits and a line break: text that survives a copy into a password manager or a
sealed envelope, and that ``pseudonymize.load_key`` reads back as it is (the line break
dropped). The file is created with mode 0600 in one step (``O_CREAT | O_EXCL``), so it is
never readable by others, not even for a moment, and an existing file is never overwritten:
the pseudonyms of earlier reports and ``ipaudit reidentify`` depend on the old key.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

from ipaudit.errors import InputError

#: Random bytes in a new key (256 bits, HMAC-SHA256's block strength and more).
KEY_BYTES = 32
#: The new file's permission bits: read and write for the owner only.
KEY_MODE = 0o600


def new_key_text() -> str:
    """A fresh key as the file holds it: 64 hex digits and a line break."""
    return secrets.token_hex(KEY_BYTES) + "\n"


def write_key(path: Path) -> Path:
    """Create ``path`` holding a new key, mode 0600; InputError if it exists or cannot be made."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_MODE)
    except FileExistsError:
        raise InputError(
            f"{path} finnes allerede; ipaudit keygen overskriver aldri en nøkkel (pseudonymene i tidligere "
            "rapporter og ipaudit reidentify trenger den). Velg et annet filnavn."
        ) from None
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise InputError(f"Mappen {path.parent} finnes ikke") from None
        raise InputError(f"Kan ikke lage nøkkelfilen {path} ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(new_key_text())
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            path.unlink()
        raise InputError(f"Kan ikke skrive nøkkelfilen {path} ({exc.strerror})") from None
    return path
