"""Ed25519 QR signatures: canonical form, rotation, tampering, URL round trip."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.certification.signing import (
    KeyRing,
    SignedPayload,
    b64url_encode,
    canonical_bytes,
    generate_key,
    new_token,
    parse_verification_url,
    public_key_b64,
    verification_url,
)

from .helpers import BASE_URL

PAYLOAD = SignedPayload("S000021000123264000017", 4, "6-18-02-04", date(2026, 11, 24), "k1")


@pytest.fixture()
def ring() -> KeyRing:
    _, seed = generate_key()
    return KeyRing({"k1": seed}, "k1")


def test_canonical_bytes_are_the_documented_format() -> None:
    assert canonical_bytes(PAYLOAD) == b"v1|S000021000123264000017|4|6-18-02-04|2026-11-24|k1"


@pytest.mark.parametrize(
    "changes",
    [
        {"number": "S0000210001232640000|7"},
        {"number": ""},
        {"level_digit": 6},
        {"level_digit": True},
        {"occupation_code": "6 18"},
        {"key_id": "k|1"},
    ],
)
def test_payload_refuses_fields_that_would_make_the_encoding_ambiguous(changes: dict) -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(PAYLOAD, **changes)


def test_sign_then_verify(ring: KeyRing) -> None:
    signature = ring.sign(PAYLOAD)
    assert len(signature) == 86  # 64 raw bytes, base64url without padding
    assert ring.verify(PAYLOAD, signature)


@pytest.mark.parametrize(
    "changes",
    [
        {"number": "S000021000123264000018"},
        {"level_digit": 3},
        {"occupation_code": "6-18-02-05"},
        {"issue_date": date(2026, 11, 25)},
    ],
)
def test_tampering_any_field_fails(ring: KeyRing, changes: dict) -> None:
    signature = ring.sign(PAYLOAD)
    assert not ring.verify(dataclasses.replace(PAYLOAD, **changes), signature)


def test_signature_is_bound_to_its_key_id() -> None:
    _, seed = generate_key()
    ring = KeyRing({"k1": seed, "k2": seed}, "k1")  # same key under two ids
    signature = ring.sign(PAYLOAD)
    assert not ring.verify(dataclasses.replace(PAYLOAD, key_id="k2"), signature)


def test_old_signatures_verify_after_rotation() -> None:
    _, old_seed = generate_key()
    _, new_seed = generate_key()
    old_signature = KeyRing({"k1": old_seed}, "k1").sign(PAYLOAD)

    rotated = KeyRing({"k1": old_seed, "k2": new_seed}, "k2")
    assert rotated.verify(PAYLOAD, old_signature)
    new_payload = dataclasses.replace(PAYLOAD, key_id=rotated.active_key_id)
    assert rotated.verify(new_payload, rotated.sign(new_payload))

    # Retired key kept as public key only: still verifies, can no longer sign.
    retired = KeyRing({"k2": new_seed}, "k2", public_keys={"k1": public_key_b64(old_seed)})
    assert retired.verify(PAYLOAD, old_signature)
    with pytest.raises(KeyError):
        retired.sign(PAYLOAD)


def test_unknown_key_id_fails(ring: KeyRing) -> None:
    signature = ring.sign(PAYLOAD)
    assert not ring.verify(dataclasses.replace(PAYLOAD, key_id="k9"), signature)
    _, other_seed = generate_key()
    assert not KeyRing({"k1": other_seed}, "k1").verify(PAYLOAD, signature)


@pytest.mark.parametrize("garbled", ["", "!!!", "a", "A" * 86, "A" * 87, "é", b64url_encode(b"x" * 63)])
def test_garbled_signature_is_false_not_an_exception(ring: KeyRing, garbled: str) -> None:
    assert ring.verify(PAYLOAD, garbled) is False


@given(st.text(max_size=120))
def test_verify_never_raises(garbled: str) -> None:
    _, seed = generate_key()
    assert KeyRing({"k1": seed}, "k1").verify(PAYLOAD, garbled) is False


@pytest.mark.parametrize(
    ("seeds", "active"),
    [
        ({"k1": b64url_encode(b"x" * 31)}, "k1"),  # seed too short
        ({"k1": generate_key()[1]}, "k2"),  # active key has no seed
        ({"bad id": generate_key()[1]}, "bad id"),  # key id would break the canonical form
    ],
)
def test_key_ring_refuses_bad_configuration(seeds: dict[str, str], active: str) -> None:
    with pytest.raises(ValueError):
        KeyRing(seeds, active)


def test_generated_keys_and_tokens_are_fresh() -> None:
    (_, seed1), (_, seed2) = generate_key(), generate_key()
    assert seed1 != seed2 and len(seed1) == 43
    token = new_token()
    assert len(token) == 22 and token != new_token()


def test_verification_url_round_trip(ring: KeyRing) -> None:
    token = new_token()
    signature = ring.sign(PAYLOAD)
    url = verification_url(BASE_URL + "/", token, PAYLOAD, signature)
    assert url == (
        f"{BASE_URL}/v/{token}?n=S000021000123264000017&l=4&o=6-18-02-04&d=2026-11-24&k=k1&s={signature}"
    )
    assert parse_verification_url(url) == (token, PAYLOAD, signature)


@given(
    number=st.from_regex(r"[A-Za-z0-9]{1,32}", fullmatch=True),
    digit=st.integers(0, 5),
    occupation=st.from_regex(r"[A-Za-z0-9.\-]{1,32}", fullmatch=True),
    issued=st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)),
)
def test_any_valid_payload_survives_the_url(number: str, digit: int, occupation: str, issued: date) -> None:
    payload = SignedPayload(number, digit, occupation, issued, "k1")
    token = new_token()
    url = verification_url(BASE_URL, token, payload, "c2ln")
    assert parse_verification_url(url) == (token, payload, "c2ln")


GOOD = f"{BASE_URL}/v/AAAAAAAAAAAAAAAAAAAAAA?n=S1&l=4&o=6-18&d=2026-11-24&k=k1&s=c2ln"


@pytest.mark.parametrize(
    "url",
    [
        GOOD.replace("https:", "ftp:"),
        GOOD.replace("/v/", "/x/"),
        GOOD.replace("/v/AAAAAAAAAAAAAAAAAAAAAA", "/v/short"),
        GOOD.replace("&k=k1", ""),
        GOOD + "&k=k2",
        GOOD + "&x=1",
        GOOD.replace("l=4", "l=9"),
        GOOD.replace("l=4", "l=four"),
        GOOD.replace("d=2026-11-24", "d=20261124"),
        GOOD.replace("d=2026-11-24", "d=2026-13-01"),
        GOOD.replace("n=S1", "n=S%7C1"),
        GOOD.replace("s=c2ln", "s=c2l%3D"),
        GOOD.split("?")[0],
        "not a url",
    ],
)
def test_malformed_urls_raise_value_error(url: str) -> None:
    with pytest.raises(ValueError):
        parse_verification_url(url)
