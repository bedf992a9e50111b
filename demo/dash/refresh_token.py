"""Signed user tokens for the connect-refresh gateway, made with Python's standard library.

The gateway's ``auth.jwt`` setting with ``"algorithm": "HS256"`` accepts these tokens when
``secret_env`` names a variable that contains the same secret (at least 32 bytes). The gateway
requires ``exp``, takes the user from ``sub`` and the groups from ``groups``, checks ``iss`` and
``aud`` when its config sets ``issuer`` and ``audience``, and rejects tokens whose lifetime
(``exp - iat``) exceeds its ``max_lifetime_s`` (3600 s unless configured).
"""

import base64
import hashlib
import hmac
import json
import math
import time

MIN_SECRET_BYTES = 32
# Shortest lifetime in seconds that mint_token accepts. A token that expires within seconds may
# be stale before the browser sends it to the gateway.
MIN_LIFETIME_S = 10


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _segment(value: dict) -> str:
    return _base64url(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def mint_token(
    secret: str,
    user: str,
    groups: list[str] | tuple[str, ...] = (),
    lifetime_s: float = 300,
    issuer: str | None = None,
    audience: str | None = None,
    now: float | None = None,
) -> str:
    """Return an HS256 JWT for ``user`` and ``groups`` that expires ``lifetime_s`` seconds after ``now``.

    Raises ValueError for a secret shorter than 32 bytes or a user that is not a non-empty
    string. It also raises for groups that are not a list or tuple of strings, including a plain
    string, which would otherwise become a list of letters. A lifetime must be a finite number of
    at least MIN_LIFETIME_S seconds.
    """
    key = secret.encode("utf-8")
    if len(key) < MIN_SECRET_BYTES:
        raise ValueError(
            f"the secret has {len(key)} bytes; HS256 needs at least {MIN_SECRET_BYTES}, "
            "such as the output of `openssl rand -base64 48`"
        )
    if not isinstance(user, str) or not user:
        raise ValueError(
            f"user must be a non-empty string, the signed-in user's name; got {type(user).__name__}"
        )
    if not isinstance(groups, (list, tuple)) or not all(isinstance(group, str) for group in groups):
        raise ValueError(
            f"groups must be a list of strings, such as [\"analysts\"]; got {type(groups).__name__}"
            + (f" {groups!r}" if isinstance(groups, str) else "")
        )
    lifetime_is_number = isinstance(lifetime_s, (int, float)) and not isinstance(lifetime_s, bool)
    if not lifetime_is_number or not math.isfinite(lifetime_s) or lifetime_s < MIN_LIFETIME_S:
        raise ValueError(
            f"lifetime_s must be a finite number of seconds of at least {MIN_LIFETIME_S}; "
            f"got {lifetime_s!r}"
        )

    issued_at = int(time.time() if now is None else now)
    claims = {
        "sub": user,
        "groups": list(groups),
        "iat": issued_at,
        "exp": issued_at + int(lifetime_s),
    }
    if issuer is not None:
        claims["iss"] = issuer
    if audience is not None:
        claims["aud"] = audience

    signing_input = _segment({"alg": "HS256", "typ": "JWT"}) + "." + _segment(claims)
    signature = hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + _base64url(signature)
