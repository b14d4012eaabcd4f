"""A small msgpack decoder (standard library only).

The SDK always sends JSON, and the kernel answers requests in the request's codec; this exists so
that a frame the kernel chooses to send as msgpack anyway (pushed events, say) is still readable.
"""

import struct


class MsgpackError(ValueError):
    pass


def unpackb(data):
    value, end = _decode(memoryview(bytes(data)), 0)
    if end != len(data):
        raise MsgpackError("%d trailing bytes after the msgpack value" % (len(data) - end))
    return value


_FIXED = {
    0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q",
    0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q",
    0xCA: ">f", 0xCB: ">d",
}
_LENGTH = {0xC4: ">B", 0xC5: ">H", 0xC6: ">I", 0xD9: ">B", 0xDA: ">H", 0xDB: ">I",
           0xDC: ">H", 0xDD: ">I", 0xDE: ">H", 0xDF: ">I", 0xC7: ">B", 0xC8: ">H", 0xC9: ">I"}
_FIXEXT = {0xD4: 1, 0xD5: 2, 0xD6: 4, 0xD7: 8, 0xD8: 16}


def _take(buf, pos, n):
    if pos + n > len(buf):
        raise MsgpackError("truncated msgpack value")
    return buf[pos:pos + n], pos + n


def _unpack(fmt, buf, pos):
    raw, pos = _take(buf, pos, struct.calcsize(fmt))
    return struct.unpack(fmt, raw)[0], pos


def _decode(buf, pos):
    head, pos = _take(buf, pos, 1)
    b = head[0]
    if b <= 0x7F:
        return b, pos
    if b >= 0xE0:
        return b - 0x100, pos
    if 0xA0 <= b <= 0xBF:
        return _str(buf, pos, b & 0x1F)
    if 0x90 <= b <= 0x9F:
        return _array(buf, pos, b & 0x0F)
    if 0x80 <= b <= 0x8F:
        return _map(buf, pos, b & 0x0F)
    if b == 0xC0:
        return None, pos
    if b in (0xC2, 0xC3):
        return b == 0xC3, pos
    if b in _FIXED:
        return _unpack(_FIXED[b], buf, pos)
    if b in _LENGTH:
        n, pos = _unpack(_LENGTH[b], buf, pos)
        if b <= 0xC6:
            raw, pos = _take(buf, pos, n)
            return bytes(raw), pos
        if b <= 0xC9:
            return _ext(buf, pos, n)
        if b <= 0xDB:
            return _str(buf, pos, n)
        if b <= 0xDD:
            return _array(buf, pos, n)
        return _map(buf, pos, n)
    if b in _FIXEXT:
        return _ext(buf, pos, _FIXEXT[b])
    raise MsgpackError("invalid msgpack byte 0x%02x" % b)


def _str(buf, pos, n):
    raw, pos = _take(buf, pos, n)
    return bytes(raw).decode("utf-8"), pos


def _array(buf, pos, n):
    out = []
    for _ in range(n):
        item, pos = _decode(buf, pos)
        out.append(item)
    return out, pos


def _map(buf, pos, n):
    out = {}
    for _ in range(n):
        key, pos = _decode(buf, pos)
        value, pos = _decode(buf, pos)
        out[key] = value
    return out, pos


def _ext(buf, pos, n):
    code, pos = _unpack(">b", buf, pos)
    raw, pos = _take(buf, pos, n)
    raw = bytes(raw)
    if code == -1:  # timestamp: seconds since the epoch, as a float
        if n == 4:
            return float(struct.unpack(">I", raw)[0]), pos
        if n == 8:
            word = struct.unpack(">Q", raw)[0]
            return (word & 0x3FFFFFFFF) + (word >> 34) / 1e9, pos
        if n == 12:
            nsec, sec = struct.unpack(">Iq", raw)
            return sec + nsec / 1e9, pos
    return {"ext": code, "data": raw}, pos
