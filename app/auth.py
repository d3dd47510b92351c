"""Bearer tokens, checked in constant time; framework-free so that HTTP and gRPC share one check.

Tokens are kept only as SHA-256 digests: a plain token from SPECGATE_API_TOKENS is hashed at startup,
and SPECGATE_API_TOKENS_FILE holds digests only (`printf %s "$TOKEN" | sha256sum`), so the file can be
read by more people than the tokens. A presented token is hashed and compared with every digest by
`hmac.compare_digest`, without stopping at a match: the time taken does not depend on which token
matched, nor on how much of it did.

A verifier without tokens is `enabled == False` and lets everything through; the server only installs
the check when tokens are configured.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TokenError", "TokenVerifier", "bearer_token", "token_digest"]

_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{64}")
_TOKEN68 = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
"""RFC 6750's b64token: what a bearer token may be made of."""

REALM = "specgate"


class TokenError(ValueError):
    """The configured tokens are unusable (an empty token, a file line that is not a digest)."""


def token_digest(token: str) -> bytes:
    """The SHA-256 digest of a token, as the token file stores it (in hex)."""
    return hashlib.sha256(token.encode("utf-8")).digest()


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header value; None when absent or of another scheme."""
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not _TOKEN68.fullmatch(token):
        return None
    return token


def _parse_plain(tokens: str) -> list[bytes]:
    digests = []
    for position, token in enumerate(tokens.split(","), start=1):
        token = token.strip()
        if not token:
            raise TokenError(f"token {position} of SPECGATE_API_TOKENS is empty; separate tokens by single commas")
        if not _TOKEN68.fullmatch(token):
            # Never echo the token: the message ends up in logs.
            raise TokenError(
                f"token {position} of SPECGATE_API_TOKENS has characters a bearer token cannot carry "
                "(allowed: letters, digits, - . _ ~ + / and trailing =)"
            )
        digests.append(token_digest(token))
    return digests


def _parse_file(path: Path) -> list[bytes]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TokenError(f"cannot read the token file {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    digests = []
    for number, line in enumerate(text.splitlines(), start=1):
        # `sha256sum` prints "<digest>  -": the first field is the digest; '#' starts a comment.
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        field = line.split()[0]
        if not _HEX_DIGEST.fullmatch(field):
            # Do not quote the line: a plain token put there by mistake must not reach the logs.
            raise TokenError(
                f"{path}, line {number}: not a SHA-256 hex digest (64 hex digits); "
                'store `printf %s "$TOKEN" | sha256sum`, not the token itself'
            )
        digests.append(bytes.fromhex(field))
    if not digests:
        raise TokenError(f"the token file {path} holds no digest; an empty file would lock every client out")
    return digests


@dataclass(frozen=True, slots=True)
class TokenVerifier:
    """Accepts a bearer token when its SHA-256 digest is one of `digests`."""

    digests: tuple[bytes, ...] = ()

    @classmethod
    def from_settings(cls, tokens: str | None = None, tokens_file: Path | str | None = None) -> TokenVerifier:
        """Plain comma-separated tokens and/or a file of hex digests; both may be given (their union)."""
        digests: list[bytes] = []
        if tokens is not None and tokens.strip():
            digests += _parse_plain(tokens)
        if tokens_file is not None:
            digests += _parse_file(Path(tokens_file))
        return cls(tuple(dict.fromkeys(digests)))

    @classmethod
    def from_digests(cls, digests: Iterable[bytes]) -> TokenVerifier:
        """From raw 32-byte digests."""
        return cls(tuple(dict.fromkeys(digests)))

    @property
    def enabled(self) -> bool:
        """True when tokens are configured, so that requests must carry one."""
        return bool(self.digests)

    def verify(self, token: str | None) -> bool:
        """True when `token` is one of the configured tokens (always True when none are configured)."""
        if not self.digests:
            return True
        if token is None:
            return False
        presented = token_digest(token)
        found = False
        for digest in self.digests:
            # `|` not `or`: every digest is compared, whatever the outcome of the ones before.
            found |= hmac.compare_digest(presented, digest)
        return found

    def verify_header(self, authorization: str | None) -> bool:
        """`verify` on the token of an Authorization header value."""
        return self.verify(bearer_token(authorization)) if self.digests else True

    def challenge(self, presented: bool) -> str:
        """The WWW-Authenticate value of a 401 (RFC 6750): invalid_token when a token was sent and refused."""
        if presented:
            return f'Bearer realm="{REALM}", error="invalid_token", error_description="the token is not accepted"'
        return f'Bearer realm="{REALM}"'
