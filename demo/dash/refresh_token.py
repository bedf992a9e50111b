"""Signed user tokens for the connect-refresh gateway, made with Python's standard library.

The gateway's ``auth.jwt`` setting with ``"algorithm": "HS256"`` accepts these tokens when
``secret_env`` names a variable that holds the same secret (at least 32 bytes). The gateway
requires ``exp``, takes the user from ``sub`` and the groups from ``groups``, checks ``iss`` and
``aud`` when its config sets ``issuer`` and ``audience``, and rejects tokens whose lifetime
(``exp - iat``) exceeds its ``max_lifetime_s`` (3600 s unless configured).
"""

import base64
import hashlib
import hmac
import json
import time

MIN_SECRET_BYTES = 32


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _segment(value: dict) -> str:
    return _base64url(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def mint_token(
    secret: str,
    user: str,
    groups: list[str] | tuple[str, ...] = (),
    lifetime_s: int = 300,
    issuer: str | None = None,
    audience: str | None = None,
    now: float | None = None,
) -> str:
    """Return an HS256 JWT for ``user`` and ``groups`` that expires ``lifetime_s`` seconds after ``now``.

    Raises ValueError for a secret shorter than 32 bytes, an empty user or a lifetime below 1.
    """
    key = secret.encode("utf-8")
    if len(key) < MIN_SECRET_BYTES:
        raise ValueError(
            f"the secret has {len(key)} bytes; HS256 needs at least {MIN_SECRET_BYTES}, "
            "such as the output of `openssl rand -base64 48`"
        )
    if not user:
        raise ValueError("user is empty; pass the signed-in user's name")
    if lifetime_s < 1:
        raise ValueError(f"lifetime_s is {lifetime_s}; pass a number of seconds of at least 1")

    issued_at = int(time.time() if now is None else now)
    claims = {"sub": user, "groups": list(groups), "iat": issued_at, "exp": issued_at + lifetime_s}
    if issuer is not None:
        claims["iss"] = issuer
    if audience is not None:
        claims["aud"] = audience

    signing_input = _segment({"alg": "HS256", "typ": "JWT"}) + "." + _segment(claims)
    signature = hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + _base64url(signature)
