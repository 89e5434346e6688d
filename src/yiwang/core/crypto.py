"""国密 (Chinese commercial cryptography) in one module: SM3 hashes, SM4 field encryption, SM2 signatures.

- SM3 (GB/T 32905) and SM4 (GB/T 32907) come from ``cryptography``, i.e. OpenSSL.
- Field encryption is SM4-GCM (authenticated; 96-bit random nonce, 128-bit tag). ``cryptography`` exposes SM4
  with ``modes.GCM`` through the generic ``Cipher`` API; the tests check it against RFC 8998's SM4-GCM vector.
- SM2 signatures (GB/T 32918.2, with the Z value of GM/T 0009) come from ``gmssl`` (pure Python, recommended
  curve), wrapped so that the nonce is drawn from :mod:`secrets` (gmssl's own uses :mod:`random`), public keys
  are checked to be on the curve, and malformed input returns ``False`` instead of raising.

Nothing here imports Django: the module can be used in scripts, tasks and the audit ledger alike.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as _hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from gmssl import sm2 as _gmssl_sm2

__all__ = [
    "SM2_DEFAULT_USER_ID",
    "CryptoError",
    "FieldCipher",
    "InvalidToken",
    "UnknownKeyId",
    "blind_index",
    "hmac_sm3",
    "sm2_generate_keypair",
    "sm2_public_key",
    "sm2_sign",
    "sm2_verify",
    "sm3",
    "sm3_hex",
]


class CryptoError(Exception):
    """Base class of this module's errors."""


class InvalidToken(CryptoError):
    """An encrypted token is malformed or was tampered with (authentication failed). Never decrypted."""


class UnknownKeyId(CryptoError):
    """A token names a key id this cipher does not hold (a retired key, or a wrong key set)."""


# ----------------------------------------------------------------------------------------------------
# SM3
# ----------------------------------------------------------------------------------------------------


def sm3(data: bytes) -> bytes:
    """SM3 digest (32 bytes) of ``data``."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def sm3_hex(data: bytes) -> str:
    """SM3 digest of ``data`` as 64 lower-case hex characters."""
    return sm3(data).hex()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    """HMAC-SM3 (RFC 2104 with SM3) of ``data`` under ``key``: 32 bytes."""
    mac = _hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def blind_index(value: str, key: bytes) -> str:
    """A deterministic HMAC-SM3 hex digest of ``value``, for exact-match lookup of an encrypted field.

    Canonicalise ``value`` first (e.g. with ``validate_id_number``) so that equal values index equally. Use a
    key of its own (not a field-encryption key), at least 16 bytes; rotating it means re-indexing.
    """
    if len(key) < 16:
        raise ValueError("a blind-index key must be at least 16 bytes")
    return hmac_sm3(key, value.encode("utf-8")).hex()


# ----------------------------------------------------------------------------------------------------
# SM4 field encryption
# ----------------------------------------------------------------------------------------------------

_FORMAT_VERSION = "v1"
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_NONCE_BYTES = 12
_TAG_BYTES = 16


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidToken("the token's payload is not base64url") from exc
    if _b64encode(raw) != text:  # non-canonical spelling (e.g. altered padding bits): refuse, do not ignore
        raise InvalidToken("the token's payload is not canonical base64url")
    return raw


class FieldCipher:
    """Authenticated SM4-GCM encryption of text fields at rest, with key rotation.

    ``keys`` maps a key id (1-32 characters ``[A-Za-z0-9_-]``) to a 16-byte SM4 key; ``current`` is the id
    used for new encryptions. Old ids stay in ``keys`` until every token has been re-encrypted
    (:meth:`needs_rotation` finds them).

    A token is ``v1:<key id>:<base64url(nonce[12] | ciphertext | tag[16])>``, ASCII, no padding. The version
    and key id (and the optional ``context``, e.g. ``"registries.Person.phone"``, which binds a token to its
    column so it cannot be copied into another) are authenticated as associated data.
    """

    def __init__(self, keys: Mapping[str, bytes], current: str) -> None:
        if not keys:
            raise ValueError("FieldCipher needs at least one key")
        for key_id, key in keys.items():
            if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
                raise ValueError(f"invalid key id {key_id!r}: use 1-32 characters A-Z a-z 0-9 _ -")
            if not isinstance(key, bytes | bytearray) or len(key) != 16:
                raise ValueError(f"SM4 key {key_id!r} must be exactly 16 bytes")
        if current not in keys:
            raise ValueError(f"the current key id {current!r} is not among the keys")
        self._keys = {key_id: bytes(key) for key_id, key in keys.items()}
        self.current = current

    def __repr__(self) -> str:  # never show key material
        return f"<FieldCipher current={self.current!r} keys={sorted(self._keys)!r}>"

    @staticmethod
    def _aad(key_id: str, context: str) -> bytes:
        return f"{_FORMAT_VERSION}:{key_id}:{context}".encode()

    def encrypt(self, plaintext: str, *, context: str = "") -> str:
        """Encrypt ``plaintext`` under the current key; a fresh random nonce every time."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        encryptor = Cipher(algorithms.SM4(self._keys[self.current]), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(self._aad(self.current, context))
        ciphertext = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
        return f"{_FORMAT_VERSION}:{self.current}:{_b64encode(nonce + ciphertext + encryptor.tag)}"

    @staticmethod
    def _split(token: str) -> tuple[str, str]:
        if not isinstance(token, str):
            raise InvalidToken("a token must be a string")
        parts = token.split(":")
        if len(parts) != 3 or parts[0] != _FORMAT_VERSION or not _KEY_ID.fullmatch(parts[1]):
            raise InvalidToken(f"not a {_FORMAT_VERSION} field token")
        return parts[1], parts[2]

    def key_id(self, token: str) -> str:
        """The key id a token was encrypted with (not authenticated until :meth:`decrypt`)."""
        return self._split(token)[0]

    def decrypt(self, token: str, *, context: str = "") -> str:
        """Decrypt a token made by :meth:`encrypt` with one of our keys.

        Raises :class:`UnknownKeyId` if the key id is not held, :class:`InvalidToken` if the token is
        malformed, was altered in any way, or was made for another ``context``.
        """
        key_id, payload = self._split(token)
        key = self._keys.get(key_id)
        if key is None:
            raise UnknownKeyId(f"no key with id {key_id!r}: was it retired before every token was rotated?")
        raw = _b64decode(payload)
        if len(raw) < _NONCE_BYTES + _TAG_BYTES:
            raise InvalidToken("the token is too short")
        nonce, ciphertext, tag = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:-_TAG_BYTES], raw[-_TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(self._aad(key_id, context))
        try:
            plaintext = decryptor.update(ciphertext) + decryptor.finalize()
        except InvalidTag as exc:
            raise InvalidToken("the token failed authentication: it was altered or belongs elsewhere") from exc
        try:
            return plaintext.decode("utf-8")
        except UnicodeDecodeError as exc:  # cannot happen for an authentic token made by encrypt()
            raise InvalidToken("the decrypted value is not UTF-8") from exc

    def needs_rotation(self, token: str) -> bool:
        """True if the token was not encrypted with the current key (re-encrypt it with :meth:`rotate`)."""
        return self.key_id(token) != self.current

    def rotate(self, token: str, *, context: str = "") -> str:
        """Re-encrypt a token under the current key (returns it unchanged if it already is)."""
        if not self.needs_rotation(token):
            return token
        return self.encrypt(self.decrypt(token, context=context), context=context)

    blind_index = staticmethod(blind_index)


# ----------------------------------------------------------------------------------------------------
# SM2 signatures (recommended curve of GB/T 32918.5, SM3 with Z per GM/T 0009)
# ----------------------------------------------------------------------------------------------------

#: The default signer identity of GM/T 0009 used in Z; gmssl hard-codes it, and so do we.
SM2_DEFAULT_USER_ID = b"1234567812345678"

_CURVE = _gmssl_sm2.default_ecc_table
_P = int(_CURVE["p"], 16)
_A = int(_CURVE["a"], 16)
_B = int(_CURVE["b"], 16)
_N = int(_CURVE["n"], 16)
_HEX = re.compile(r"[0-9a-fA-F]+")


def _crypt_sm2(private_hex: str, public_hex: str) -> _gmssl_sm2.CryptSM2:
    # gmssl's constructor strips a "04" prefix with str.lstrip("04"), which also eats leading '0'/'4' digits
    # of the x coordinate: set the public key after construction instead.
    crypt = _gmssl_sm2.CryptSM2(private_key=private_hex, public_key="")
    crypt.public_key = public_hex
    return crypt


def _parse_private(private_hex: str) -> int:
    if not isinstance(private_hex, str) or len(private_hex) != 64 or not _HEX.fullmatch(private_hex):
        raise ValueError("an SM2 private key is 64 hex characters")
    d = int(private_hex, 16)
    if not 1 <= d <= _N - 2:
        raise ValueError("an SM2 private key must be in [1, n-2]")
    return d


def _normalise_public(public_hex: str) -> str | None:
    """The 128-hex x||y form of an on-curve public key (an optional 04 prefix removed), or None."""
    if not isinstance(public_hex, str):
        return None
    if len(public_hex) == 130 and public_hex[:2] == "04":
        public_hex = public_hex[2:]
    if len(public_hex) != 128 or not _HEX.fullmatch(public_hex):
        return None
    x, y = int(public_hex[:64], 16), int(public_hex[64:], 16)
    if x >= _P or y >= _P or (y * y - (x * x * x + _A * x + _B)) % _P:
        return None  # not a point of the curve (the cofactor is 1, so every curve point is in the group)
    return public_hex.lower()


def sm2_public_key(private_hex: str) -> str:
    """The public key (128 hex: x || y, without the 04 prefix) of an SM2 private key."""
    d = _parse_private(private_hex)
    return _crypt_sm2(private_hex, "")._kg(d, _CURVE["g"])


def sm2_generate_keypair() -> tuple[str, str]:
    """A new SM2 key pair from :mod:`secrets`: (private key, 64 hex; public key, 128 hex x || y)."""
    private_hex = f"{secrets.randbelow(_N - 2) + 1:064x}"  # d in [1, n-2]
    return private_hex, sm2_public_key(private_hex)


def sm2_sign(private_hex: str, data: bytes) -> str:
    """SM2 signature of ``data`` (SM3 over Z || data, Z with the default user id): 128 hex, r || s."""
    public_hex = sm2_public_key(private_hex)
    crypt = _crypt_sm2(private_hex.lower(), public_hex)
    while True:
        k = secrets.randbelow(_N - 1) + 1  # k in [1, n-1]
        signature = crypt.sign_with_sm3(data, f"{k:064x}")
        if signature is not None:  # None when r = 0, r + k = n or s = 0: draw again
            return signature


def sm2_verify(public_hex: str, data: bytes, signature_hex: str) -> bool:
    """True if ``signature_hex`` (128 hex, r || s) is a valid SM2 signature of ``data`` by ``public_hex``.

    ``public_hex`` is 128 hex (x || y), optionally prefixed by 04. Anything malformed gives False.
    """
    public = _normalise_public(public_hex)
    if public is None or not isinstance(signature_hex, str) or not isinstance(data, bytes | bytearray):
        return False
    if len(signature_hex) != 128 or not _HEX.fullmatch(signature_hex):
        return False
    r, s = int(signature_hex[:64], 16), int(signature_hex[64:], 16)
    if not (1 <= r < _N and 1 <= s < _N) or (r + s) % _N == 0:
        return False
    try:
        return bool(_crypt_sm2("", public).verify_with_sm3(signature_hex, bytes(data)))
    except (TypeError, ValueError):  # e.g. sG + tP at infinity: gmssl returns None mid-computation
        return False
