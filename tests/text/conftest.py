"""Helpers shared by the tests of toolkit/text: a .mo writer built from the GNU format description."""
from __future__ import annotations

import struct

import pytest


def build_mo(messages: list[tuple[bytes, bytes]], big_endian: bool = False) -> bytes:
    """The bytes of a GNU .mo file holding `messages` (key, value), sorted by key as msgfmt does, no hash table.

    Layout: 7 header words (magic, revision, N, O, T, S, H), the N (length, offset)
    descriptors of the keys at O, those of the values at T, then the NUL-terminated strings.
    """
    order = ">" if big_endian else "<"
    messages = sorted(messages)
    n = len(messages)
    orig_at, trans_at = 28, 28 + 8 * n
    strings_at = trans_at + 8 * n
    blob = b""
    keys, values = [], []
    for key, _ in messages:
        keys.append((len(key), strings_at + len(blob)))
        blob += key + b"\0"
    for _, value in messages:
        values.append((len(value), strings_at + len(blob)))
        blob += value + b"\0"
    header = struct.pack(order + "7I", 0x950412DE, 0, n, orig_at, trans_at, 0, 0)
    tables = b"".join(struct.pack(order + "2I", *d) for d in keys + values)
    return header + tables + blob


@pytest.fixture
def mo_bytes():
    return build_mo
