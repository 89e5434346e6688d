"""国密: SM3 and SM4 against the standards' vectors, SM4-GCM field encryption, SM2 signatures."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.core.crypto import (
    FieldCipher,
    InvalidToken,
    UnknownKeyId,
    blind_index,
    hmac_sm3,
    sm2_generate_keypair,
    sm2_public_key,
    sm2_sign,
    sm2_verify,
    sm3,
    sm3_hex,
)

# ----------------------------------------------------------------------------------------------------
# SM3, GB/T 32905-2016 Annex A
# ----------------------------------------------------------------------------------------------------


def test_sm3_standard_example_1():
    expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3_hex(b"abc") == expected
    assert sm3(b"abc") == bytes.fromhex(expected)


def test_sm3_standard_example_2():
    assert sm3_hex(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_hmac_sm3():
    # RFC 2104 structure, checked by hand-building HMAC from sm3(): H((K ^ opad) || H((K ^ ipad) || m)).
    key, message = b"yiwang-test-key", b"message digest"
    block = key.ljust(64, b"\0")
    inner = sm3(bytes(b ^ 0x36 for b in block) + message)
    assert hmac_sm3(key, message) == sm3(bytes(b ^ 0x5C for b in block) + inner)
    assert len(hmac_sm3(key, message)) == 32


# ----------------------------------------------------------------------------------------------------
# SM4, GB/T 32907-2016 Annex A, and SM4-GCM, RFC 8998 Appendix A.1
# ----------------------------------------------------------------------------------------------------

SM4_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")


def test_sm4_standard_example_1():
    encryptor = Cipher(algorithms.SM4(SM4_KEY), modes.ECB()).encryptor()  # noqa: S305 - the standard's one-block vector
    assert (encryptor.update(SM4_KEY) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_standard_example_2_one_million_encryptions():
    # The plaintext encrypted 1,000,000 times with the same key (about 0.3 s through one ECB context).
    encryptor = Cipher(algorithms.SM4(SM4_KEY), modes.ECB()).encryptor()  # noqa: S305 - the standard's one-block vector
    block = SM4_KEY
    for _ in range(1_000_000):
        block = encryptor.update(block)
    assert block.hex() == "595298c7c6fd271f0402f804c33d3f66"


def test_sm4_gcm_rfc8998():
    nonce = bytes.fromhex("00001234567800000000ABCD")
    plaintext = bytes.fromhex(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
        "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
    )
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    encryptor = Cipher(algorithms.SM4(SM4_KEY), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    assert ciphertext.hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    )
    assert encryptor.tag.hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"


# ----------------------------------------------------------------------------------------------------
# FieldCipher
# ----------------------------------------------------------------------------------------------------

KEY_2025 = bytes(range(16))
KEY_2026 = bytes(range(16, 32))


@pytest.fixture
def cipher() -> FieldCipher:
    return FieldCipher({"k2025": KEY_2025, "k2026": KEY_2026}, current="k2026")


@given(st.text())
def test_roundtrip(plaintext):
    cipher = FieldCipher({"k2026": KEY_2026}, current="k2026")
    token = cipher.encrypt(plaintext)
    assert token.isascii()
    assert cipher.decrypt(token) == plaintext


def test_token_format_and_fresh_nonces(cipher):
    token = cipher.encrypt("13800138000")
    version, key_id, payload = token.split(":")
    assert (version, key_id) == ("v1", "k2026")
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert len(raw) == 12 + len("13800138000") + 16  # nonce | ciphertext | tag
    assert cipher.encrypt("13800138000") != token  # a fresh nonce each time
    assert cipher.decrypt(token) == "13800138000"


def test_chinese_text(cipher):
    assert cipher.decrypt(cipher.encrypt("浙江省杭州市西湖区文三路 1 号")) == "浙江省杭州市西湖区文三路 1 号"


@settings(max_examples=50)
@given(st.data())
def test_any_altered_character_is_refused(data):
    cipher = FieldCipher({"k2025": KEY_2025, "k2026": KEY_2026}, current="k2026")
    token = cipher.encrypt("11010519491231002X")
    position = data.draw(st.integers(0, len(token) - 1))
    replacement = data.draw(st.sampled_from("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_:="))
    altered = token[:position] + replacement + token[position + 1 :]
    if altered == token:
        return
    with pytest.raises((InvalidToken, UnknownKeyId)):
        cipher.decrypt(altered)


def test_tampered_payload_bytes_are_refused(cipher):
    token = cipher.encrypt("secret")
    prefix, payload = token.rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    for index in (0, 12, len(raw) - 1):  # nonce, ciphertext, tag
        flipped = bytearray(raw)
        flipped[index] ^= 1
        forged = prefix + ":" + base64.urlsafe_b64encode(bytes(flipped)).rstrip(b"=").decode()
        with pytest.raises(InvalidToken, match="authentication"):
            cipher.decrypt(forged)


@pytest.mark.parametrize(
    "token",
    ["", "v1", "v1:k2026", "v2:k2026:AAAA", "v1:k2026:AAAA", "v1:k2026:!!!!", "v1:k 2026:AAAA", "a:b:c:d"],
)
def test_malformed_tokens_are_refused(cipher, token):
    with pytest.raises(InvalidToken):
        cipher.decrypt(token)


def test_key_id_swap_is_refused():
    # Same key material under two ids: the id is authenticated, so a token cannot be relabelled.
    cipher = FieldCipher({"a": KEY_2026, "b": KEY_2026}, current="a")
    token = cipher.encrypt("x")
    with pytest.raises(InvalidToken):
        cipher.decrypt("v1:b:" + token.split(":")[2])


def test_context_binds_a_token_to_its_column(cipher):
    token = cipher.encrypt("13800138000", context="registries.Person.phone")
    assert cipher.decrypt(token, context="registries.Person.phone") == "13800138000"
    with pytest.raises(InvalidToken):
        cipher.decrypt(token, context="registries.LegalEntity.phone")
    with pytest.raises(InvalidToken):
        cipher.decrypt(token)


def test_rotation(cipher):
    old = FieldCipher({"k2025": KEY_2025}, current="k2025").encrypt("上海")
    assert cipher.needs_rotation(old)
    assert cipher.decrypt(old) == "上海"  # the old key still decrypts
    new = cipher.rotate(old)
    assert new.startswith("v1:k2026:")
    assert not cipher.needs_rotation(new)
    assert cipher.rotate(new) == new
    assert cipher.decrypt(new) == "上海"
    assert cipher.encrypt("上海").startswith("v1:k2026:")  # new encryptions use the current key


def test_unknown_key_id(cipher):
    retired = FieldCipher({"k2024": bytes(16)}, current="k2024").encrypt("x")
    with pytest.raises(UnknownKeyId, match="k2024"):
        cipher.decrypt(retired)
    assert cipher.needs_rotation(retired)


def test_wrong_key_material_is_refused():
    token = FieldCipher({"k": KEY_2025}, current="k").encrypt("x")
    with pytest.raises(InvalidToken):
        FieldCipher({"k": KEY_2026}, current="k").decrypt(token)


@pytest.mark.parametrize(
    ("keys", "current"),
    [
        ({}, "a"),
        ({"a": bytes(15)}, "a"),
        ({"a": bytes(32)}, "a"),
        ({"a:b": bytes(16)}, "a:b"),
        ({"a": bytes(16)}, "b"),
    ],
)
def test_bad_configuration(keys, current):
    with pytest.raises(ValueError):
        FieldCipher(keys, current=current)


def test_repr_hides_keys(cipher):
    assert KEY_2026.hex() not in repr(cipher)
    assert "k2026" in repr(cipher)


def test_blind_index():
    key = b"blind-index-key-0123456789"
    first = blind_index("11010519491231002X", key)
    assert first == blind_index("11010519491231002X", key)  # stable: usable for exact lookup
    assert first == hmac_sm3(key, b"11010519491231002X").hex()
    assert len(first) == 64
    assert first != blind_index("11010519491231003X", key)
    assert first != blind_index("11010519491231002X", b"another-blind-index-key!!")
    assert FieldCipher.blind_index("11010519491231002X", key) == first
    with pytest.raises(ValueError):
        blind_index("x", b"short")


# ----------------------------------------------------------------------------------------------------
# SM2 (recommended curve), signatures with Z over the default user id 1234567812345678
# ----------------------------------------------------------------------------------------------------

# A signature made by OpenSSL 3.0.19's independent SM2 implementation, not by gmssl:
#   openssl genpkey -algorithm SM2 -out key.pem
#   printf 'message digest' > msg.bin
#   openssl pkeyutl -sign -in msg.bin -inkey key.pem -rawin -digest sm3 -pkeyopt distid:1234567812345678
# (r, s) read from the DER with ``openssl asn1parse``. The reverse (gmssl signs, ``openssl pkeyutl -verify``
# accepts) was checked by hand the same way.
OPENSSL_PRIVATE = "0136e987834ba4db1d8df8d90972becc0afb120083cf38e3e323cf125a652abc"
OPENSSL_PUBLIC = (
    "67df32e720cc883745e7137754a5a4b4f16a0e0dbf08cfdcdaef64821e9034a6"
    "2176de96a0ca4c615b300ef003b73f2233495902d149da27f693758effebb11a"
)
OPENSSL_SIGNATURE = (
    "2969dc49f082857987040181b68f4ad32d81982f291d874db1e8acb43467c38a"
    "1cbe8b68f08a43546b9854d465f760e21942db8128c6675a5be00d6a7c837f2c"
)


def test_sm2_openssl_vector():
    assert sm2_public_key(OPENSSL_PRIVATE) == OPENSSL_PUBLIC
    assert sm2_verify(OPENSSL_PUBLIC, b"message digest", OPENSSL_SIGNATURE)
    assert sm2_verify("04" + OPENSSL_PUBLIC, b"message digest", OPENSSL_SIGNATURE)
    assert sm2_verify(OPENSSL_PUBLIC.upper(), b"message digest", OPENSSL_SIGNATURE.upper())
    assert not sm2_verify(OPENSSL_PUBLIC, b"message digesT", OPENSSL_SIGNATURE)


def test_sm2_public_key_of_one_is_the_generator():
    assert sm2_public_key("00" * 31 + "01") == (
        "32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7"
        "bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0"
    )


def test_sm2_roundtrip_and_failures():
    private, public = sm2_generate_keypair()
    assert len(private) == 64 and len(public) == 128
    data = "电子证照 No. 330100-2026-000001".encode()
    signature = sm2_sign(private, data)
    assert len(signature) == 128
    assert sm2_verify(public, data, signature)
    assert sm2_sign(private, data) != signature  # randomised
    assert not sm2_verify(public, data + b"!", signature)  # modified message
    tampered = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    assert not sm2_verify(public, data, tampered)  # modified signature
    other_private, other_public = sm2_generate_keypair()
    assert not sm2_verify(other_public, data, signature)  # a different key
    assert not sm2_verify(public, data, sm2_sign(other_private, data))


def test_sm2_public_key_starting_with_04():
    # d = 11 gives a public key whose x begins with 04: gmssl's constructor would strip it (.lstrip("04")).
    private = f"{11:064x}"
    public = sm2_public_key(private)
    assert public.startswith("04")
    assert sm2_verify(public, b"x", sm2_sign(private, b"x"))


@pytest.mark.parametrize(
    ("public", "signature"),
    [
        (OPENSSL_PUBLIC[:-1], OPENSSL_SIGNATURE),  # short key
        (OPENSSL_PUBLIC[:-1] + "0", OPENSSL_SIGNATURE),  # not on the curve
        ("zz" + OPENSSL_PUBLIC[2:], OPENSSL_SIGNATURE),  # not hex
        ("00" * 64, OPENSSL_SIGNATURE),
        (OPENSSL_PUBLIC, OPENSSL_SIGNATURE[:-2]),  # short signature
        (OPENSSL_PUBLIC, "00" * 64),  # r = s = 0
        (OPENSSL_PUBLIC, "ff" * 64),  # r, s >= n
        (OPENSSL_PUBLIC, "xy" * 64),
        (None, OPENSSL_SIGNATURE),
        (OPENSSL_PUBLIC, None),
    ],
)
def test_sm2_verify_malformed_is_false(public, signature):
    assert sm2_verify(public, b"message digest", signature) is False


@pytest.mark.parametrize("private", ["", "00" * 32, "ff" * 32, "0" * 63, "g" * 64])
def test_sm2_bad_private_key(private):
    with pytest.raises(ValueError):
        sm2_sign(private, b"x")
