"""Clove wire frames: a 16-byte big-endian header, then the payload.

    offset  size  field
    0       u16   magic 0x434C ("CL")
    2       u8    version (1)
    3       u8    kind (1 request, 2 response, 3 error, 4 event)
    4       u8    opcode
    5       u8    codec (0 JSON, 1 msgpack; this SDK sends JSON, reads both)
    6       u16   flags (0)
    8       u32   request id (0 for pushed events)
    12      u32   payload length

Mirrors sdk/protocol/frame.ts and codec.ts; docs/protocol.md is the reference.
"""

import json
import struct
from collections import namedtuple

from ._msgpack import unpackb
from .errors import CloveError

MAGIC = 0x434C
PROTOCOL_VERSION = 1
HEADER_SIZE = 16
DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024
MAX_REQUEST_ID = 0xFFFFFFFF

KIND_REQUEST = 1
KIND_RESPONSE = 2
KIND_ERROR = 3
KIND_EVENT = 4

CODEC_JSON = 0
CODEC_MSGPACK = 1

_HEADER = struct.Struct(">HBBBBHII")

Frame = namedtuple("Frame", "version kind opcode codec flags request_id payload")


class FrameError(CloveError):
    """The byte stream is not valid Clove framing; the connection cannot be trusted any more."""

    def __init__(self, message, code="CLIENT_PROTOCOL_ERROR"):
        CloveError.__init__(self, code, message)


def encode_payload(value):
    """JSON-encodes a payload; ``None`` becomes the empty payload (no arguments / no result)."""
    if value is None:
        return b""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def decode_payload(codec, data):
    """Decodes a payload; the empty payload is ``None``."""
    if not data:
        return None
    if codec == CODEC_MSGPACK:
        try:
            return unpackb(data)
        except (ValueError, UnicodeDecodeError, struct.error) as exc:
            raise FrameError("payload is not valid msgpack: %s" % exc)
    try:
        return json.loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FrameError("payload is not valid UTF-8 JSON: %s" % exc)


def encode_frame(kind, opcode, request_id, payload=b"", codec=CODEC_JSON):
    """Returns header + payload as bytes. ``payload`` is already-encoded bytes."""
    if not 0 <= request_id <= MAX_REQUEST_ID:
        raise ValueError("request id %r does not fit in a u32" % (request_id,))
    if not 0 <= opcode <= 0xFF:
        raise ValueError("opcode %r does not fit in a u8" % (opcode,))
    payload = bytes(payload)
    header = _HEADER.pack(MAGIC, PROTOCOL_VERSION, kind, opcode, codec, 0, request_id, len(payload))
    return header + payload


def parse_header(head, max_frame_size=DEFAULT_MAX_FRAME_SIZE):
    """Parses and validates a 16-byte header; returns (Frame without payload, payload length)."""
    if len(head) < HEADER_SIZE:
        raise FrameError("truncated header: %d of %d bytes" % (len(head), HEADER_SIZE))
    magic, version, kind, opcode, codec, flags, request_id, length = _HEADER.unpack_from(head, 0)
    if magic != MAGIC:
        raise FrameError('bad frame magic 0x%04x (expected 0x434c "CL"): the peer is not a Clove kernel' % magic)
    if version != PROTOCOL_VERSION:
        raise FrameError(
            "protocol version %d is not supported (this SDK speaks version %d)" % (version, PROTOCOL_VERSION)
        )
    if not KIND_REQUEST <= kind <= KIND_EVENT:
        raise FrameError("unknown frame kind %d (1 request, 2 response, 3 error, 4 event)" % kind)
    if codec not in (CODEC_JSON, CODEC_MSGPACK):
        raise FrameError("unknown payload codec %d (0 JSON, 1 msgpack)" % codec)
    if HEADER_SIZE + length > max_frame_size:
        raise FrameError(
            "frame of %d bytes exceeds the maximum of %d bytes" % (HEADER_SIZE + length, max_frame_size)
        )
    return Frame(version, kind, opcode, codec, flags, request_id, b""), length


class FrameDecoder(object):
    """Incremental parser: feed bytes with :meth:`push`, get complete frames back in order."""

    def __init__(self, max_frame_size=DEFAULT_MAX_FRAME_SIZE):
        self.max_frame_size = max_frame_size
        self._buf = bytearray()

    def push(self, chunk):
        self._buf += chunk
        frames = []
        while len(self._buf) >= HEADER_SIZE:
            header, length = parse_header(self._buf[:HEADER_SIZE], self.max_frame_size)
            total = HEADER_SIZE + length
            if len(self._buf) < total:
                break
            frames.append(header._replace(payload=bytes(self._buf[HEADER_SIZE:total])))
            del self._buf[:total]
        return frames

    @property
    def pending(self):
        """Bytes received that do not yet form a complete frame."""
        return len(self._buf)
