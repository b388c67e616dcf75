"""Join codes a class reads off the projector, and the secrets behind them."""

import hmac
import secrets
from collections.abc import Container

# No 0/O, 1/I: a code copied by hand from a projector must not be misread.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
TOKEN_BYTES = 24  # 192 bits: a token cannot be guessed, however many tries an address gets


def new_code(taken: Container[str]) -> str:
    """A fresh code not among ``taken`` (32**6, about a billion codes: a clash is rare)."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def normalise(code: str) -> str | None:
    """The code as stored (upper case), or None if it cannot be one: matched case-insensitively."""
    code = code.strip().upper()
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_id() -> str:
    return secrets.token_hex(6)


def same_secret(given: str | None, expected: str) -> bool:
    """Compare in constant time, so timing does not reveal how much of a token was right."""
    if not isinstance(given, str):
        return False
    return hmac.compare_digest(given.encode(errors="replace"), expected.encode())
