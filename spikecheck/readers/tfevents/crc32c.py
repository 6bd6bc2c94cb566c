"""CRC32C (Castagnoli) and TFRecord's masked form, for one buffer or many offsets at once.

Why: every TFRecord frame carries two masked CRC32Cs (of its length and of its data).
Single buffers go to google_crc32c's C code; the damaged-record search needs the CRC of
the 8 bytes at every offset of a block, which numpy computes column by column here.
"""

from __future__ import annotations

import numpy as np

CASTAGNOLI_POLY = 0x82F63B78  # CRC32C's polynomial, bit-reversed
# TFRecord masks each CRC (rotate right 15, add this) so a CRC of bytes holding CRCs
# does not degenerate; the value is fixed by tensorflow/core/lib/hash/crc32c.h.
MASK_DELTA = 0xA282EAD8


def _make_table() -> np.ndarray:
    t = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        t = np.where(t & 1, (t >> np.uint32(1)) ^ np.uint32(CASTAGNOLI_POLY), t >> np.uint32(1))
    return t.astype(np.uint32)


_T8 = _make_table()  # the byte-at-a-time CRC32C table: _T8[v] is the CRC step for byte v


def crc32c(data: bytes) -> int:
    """CRC32C of `data` (google_crc32c's C implementation when available)."""
    try:
        import google_crc32c
    except ImportError:  # pragma: no cover - google-crc32c is a dependency
        return _crc32c_py(data)
    return google_crc32c.value(bytes(data))


def _crc32c_py(data: bytes) -> int:
    crc = 0xFFFFFFFF
    table = _T8.tolist()
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def mask(crc: int) -> int:
    """TFRecord's mask of a CRC: rotate right 15 bits and add a constant."""
    return (((crc >> 15) | (crc << 17)) + MASK_DELTA) & 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked CRC of `data`: rotate right 15 bits and add a constant."""
    return mask(crc32c(data))


def _unmask(masked: np.ndarray) -> np.ndarray:
    x = masked.astype(np.uint32, copy=False) - np.uint32(MASK_DELTA)
    return (x >> np.uint32(17)) | (x << np.uint32(15))


def _masked_crc8_all(buf: np.ndarray, start: int, count: int) -> np.ndarray:
    """Masked CRC32C of the 8 bytes at every offset start..start+count-1 (for resync)."""
    crc = np.full(count, 0xFFFFFFFF, dtype=np.uint32)
    for k in range(8):
        b = buf[start + k: start + k + count]
        crc = _T8[(crc ^ b) & np.uint32(0xFF)] ^ (crc >> np.uint32(8))
    crc ^= np.uint32(0xFFFFFFFF)
    return ((crc >> np.uint32(15)) | (crc << np.uint32(17))) + np.uint32(MASK_DELTA)


def _masked_crc8_at(buf: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Masked CRC32C of the 8 bytes at each offset in `at` (a sparse _masked_crc8_all)."""
    crc = np.full(at.size, 0xFFFFFFFF, dtype=np.uint32)
    for k in range(8):
        b = buf[at + k]
        crc = _T8[(crc ^ b) & np.uint32(0xFF)] ^ (crc >> np.uint32(8))
    crc ^= np.uint32(0xFFFFFFFF)
    return ((crc >> np.uint32(15)) | (crc << np.uint32(17))) + np.uint32(MASK_DELTA)
