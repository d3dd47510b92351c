"""app.auth: the framework-free token check shared by HTTP and gRPC."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from app.auth import TokenError, TokenVerifier, bearer_token, token_digest


def hexdigest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def test_no_tokens_means_disabled_and_everything_passes() -> None:
    verifier = TokenVerifier.from_settings(None, None)
    assert not verifier.enabled
    assert verifier.verify(None) and verifier.verify_header(None) and verifier.verify_header("Basic x")


def test_plain_tokens_are_kept_as_digests_only() -> None:
    verifier = TokenVerifier.from_settings(" alpha , beta.2~ ", None)
    assert verifier.enabled
    assert verifier.digests == (token_digest("alpha"), token_digest("beta.2~"))
    assert "alpha" not in repr(verifier)
    assert verifier.verify("alpha") and verifier.verify("beta.2~")
    assert not verifier.verify("alph") and not verifier.verify("alphaa") and not verifier.verify("")
    assert not verifier.verify(None)


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer abc", "abc"),
        ("BEARER   abc  ", "abc"),
        ("Bearer a+b/c==", "a+b/c=="),
        ("Basic abc", None),
        ("Bearer", None),
        ("Bearer a b", None),
        ("Bearer a=b", None),
        ("abc", None),
        (None, None),
    ],
)
def test_bearer_token_parsing(header: str | None, token: str | None) -> None:
    assert bearer_token(header) == token


def test_header_check() -> None:
    verifier = TokenVerifier.from_settings("s3cret", None)
    assert verifier.verify_header("Bearer s3cret")
    assert not verifier.verify_header("Bearer s3cre")
    assert not verifier.verify_header("Basic s3cret")
    assert not verifier.verify_header(None)


def test_digest_file_with_comments_and_sha256sum_layout(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    path.write_text(
        f"# CI pipelines\n{hexdigest('ci-token')}  -\n\n{hexdigest('admission').upper()}  # apiserver\n",
        encoding="utf-8",
    )
    verifier = TokenVerifier.from_settings("plain", path)
    assert verifier.verify("ci-token") and verifier.verify("admission") and verifier.verify("plain")
    assert not verifier.verify(hexdigest("ci-token")), "the digest itself is not a token"


def test_a_plain_token_in_the_digest_file_is_refused_without_quoting_it(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    path.write_text(f"{hexdigest('a')}\nmy-plain-secret\n", encoding="utf-8")
    with pytest.raises(TokenError, match="line 2") as caught:
        TokenVerifier.from_settings(None, path)
    assert "my-plain-secret" not in str(caught.value)


def test_empty_or_missing_digest_file_refuses_to_start(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(TokenError, match="holds no digest"):
        TokenVerifier.from_settings(None, empty)
    with pytest.raises(TokenError, match="cannot read"):
        TokenVerifier.from_settings(None, tmp_path / "absent")


@pytest.mark.parametrize("tokens", ["a,,b", "a,", "with space", "caf\u00e9"])
def test_unusable_plain_tokens_are_refused_without_quoting_them(tokens: str) -> None:
    with pytest.raises(TokenError) as caught:
        TokenVerifier.from_settings(tokens, None)
    assert "with space" not in str(caught.value) and "caf\u00e9" not in str(caught.value)


def test_challenge_follows_rfc_6750() -> None:
    verifier = TokenVerifier.from_settings("t", None)
    assert verifier.challenge(False) == 'Bearer realm="specgate"'
    assert 'error="invalid_token"' in verifier.challenge(True)
