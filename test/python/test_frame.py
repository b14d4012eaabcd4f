import json
import os
import shutil
import subprocess
import unittest

import fake_kernel  # noqa: F401  (puts sdk/python on sys.path)
from clove_sdk import CloveError, ErrorCode
from clove_sdk import _frame
from clove_sdk.opcodes import Opcode, opcode_name


class EncodeFrameTest(unittest.TestCase):
    def test_encodes_the_header_big_endian_then_the_payload(self):
        data = _frame.encode_frame(_frame.KIND_REQUEST, Opcode.NOOP, 1, b'{"message":"hi"}')
        self.assertEqual(
            data.hex(),
            "434c" "01" "01" "00" "00" "0000" "00000001" "00000010" + b'{"message":"hi"}'.hex(),
        )

    def test_encodes_an_empty_payload_as_a_bare_header(self):
        data = _frame.encode_frame(_frame.KIND_REQUEST, Opcode.STATUS, 0xFFFFFFFF)
        self.assertEqual(data.hex(), "434c0101f1000000ffffffff00000000")

    def test_rejects_request_ids_and_opcodes_that_do_not_fit(self):
        with self.assertRaises(ValueError):
            _frame.encode_frame(1, 0, 1 << 32)
        with self.assertRaises(ValueError):
            _frame.encode_frame(1, 256, 1)

    def test_payloads_are_compact_utf8_json_and_none_is_empty(self):
        self.assertEqual(_frame.encode_payload({"a": "é", "b": [1]}), '{"a":"é","b":[1]}'.encode("utf-8"))
        self.assertEqual(_frame.encode_payload(None), b"")
        self.assertIsNone(_frame.decode_payload(0, b""))
        self.assertEqual(_frame.decode_payload(0, '"é"'.encode("utf-8")), "é")

    def test_refuses_invalid_json_and_msgpack_payloads(self):
        with self.assertRaises(CloveError) as ctx:
            _frame.decode_payload(0, b"{nope")
        self.assertEqual(ctx.exception.code, ErrorCode.CLIENT_PROTOCOL_ERROR)
        for bad in (b"\xc1", b"\x92\x01", b"\x01\x02"):
            with self.assertRaises(CloveError):
                _frame.decode_payload(1, bad)

    def test_reads_msgpack_payloads(self):
        packed = bytes.fromhex(
            "85" "a3736571" "2a"                      # seq: 42
            "a474797065" "a6435553544f4d"             # type: "CUSTOM"
            "a474696d65" "cb3ff8000000000000"         # time: 1.5
            "a6736f75726365" "c0"                     # source: nil
            "a464617461" "83" "a16e" "d1ff38" "a162" "c3" "a16c" "92cd0100" "a2c3a9"  # data
        )
        self.assertEqual(_frame.decode_payload(1, packed), {
            "seq": 42, "type": "CUSTOM", "time": 1.5, "source": None,
            "data": {"n": -200, "b": True, "l": [256, "é"]},
        })


class FrameDecoderTest(unittest.TestCase):
    def frames(self):
        return [
            _frame.encode_frame(_frame.KIND_RESPONSE, Opcode.NOOP, 7, b'{"message":"a"}'),
            _frame.encode_frame(_frame.KIND_EVENT, Opcode.POLL_EVENTS, 0, b'{"seq":1}'),
            _frame.encode_frame(_frame.KIND_ERROR, Opcode.KILL, 9, b""),
        ]

    def test_decodes_frames_split_at_every_byte(self):
        stream = b"".join(self.frames())
        decoder = _frame.FrameDecoder()
        out = []
        for i in range(len(stream)):
            out.extend(decoder.push(stream[i:i + 1]))
        self.assertEqual([(f.kind, f.opcode, f.request_id) for f in out], [(2, 0, 7), (4, 0x62, 0), (3, 0x11, 9)])
        self.assertEqual(out[0].payload, b'{"message":"a"}')
        self.assertEqual(out[2].payload, b"")
        self.assertEqual(decoder.pending, 0)

    def test_decodes_many_frames_from_one_chunk_and_keeps_the_rest(self):
        stream = b"".join(self.frames())
        decoder = _frame.FrameDecoder()
        out = decoder.push(stream + stream[:20])
        self.assertEqual(len(out), 3)
        self.assertEqual(decoder.pending, 20)

    def test_rejects_a_bad_magic_version_kind_or_codec(self):
        good = bytearray(_frame.encode_frame(1, 0, 1, b""))
        for offset, value, needle in [(0, 0x00, "magic"), (2, 9, "version"), (3, 7, "kind"), (5, 5, "codec")]:
            bad = bytearray(good)
            bad[offset] = value
            with self.assertRaises(CloveError) as ctx:
                _frame.FrameDecoder().push(bytes(bad))
            self.assertIn(needle, str(ctx.exception))

    def test_rejects_an_oversized_frame_from_its_header_alone(self):
        head = _frame.encode_frame(2, 0, 1, b"")[:12] + (10 * 1024 * 1024).to_bytes(4, "big")
        with self.assertRaises(CloveError) as ctx:
            _frame.FrameDecoder(max_frame_size=1024 * 1024).push(head)
        self.assertIn("exceeds the maximum", str(ctx.exception))


class OpcodesTest(unittest.TestCase):
    def test_keeps_the_seed_numbering_and_names_opcodes(self):
        self.assertEqual((Opcode.SPAWN, Opcode.SEND, Opcode.STORE, Opcode.EMIT), (0x10, 0x20, 0x30, 0x63))
        self.assertEqual((Opcode.WORLD_RESTORE, Opcode.METRICS_CGROUP, Opcode.HELLO), (0xA8, 0xC3, 0xF0))
        self.assertEqual(opcode_name(0x13), "WAIT")
        self.assertEqual(opcode_name(0x9F), "0x9f")


ROOT = fake_kernel.ROOT
SAMPLE = {"s": "x" * 40, "u": "日本", "i": [0, 127, 128, 65535, 2 ** 31, 2 ** 40, -1, -33, -200, -40000, -(2 ** 40)],
          "f": 0.25, "n": None, "t": True, "a": list(range(20)), "m": dict(("k%d" % i, i) for i in range(17))}
TSX = os.path.join(ROOT, "node_modules", ".bin", "tsx")


@unittest.skipUnless(shutil.which("node") and os.path.exists(TSX), "node and tsx are needed to compare with TypeScript")
class MatchesTypeScriptTest(unittest.TestCase):
    """The Python codec and sdk/protocol/*.ts must agree byte for byte, and on opcode numbers."""

    def test_python_and_typescript_encode_identical_frames_and_opcodes(self):
        script = (
            "import { encodeFrame } from './sdk/protocol/frame.ts';"
            "import { Opcode } from './sdk/protocol/opcodes.ts';"
            "const p = Buffer.from(JSON.stringify({message: 'hé'}));"
            "console.log(encodeFrame({kind: 1, opcode: 0x20, codec: 0, requestId: 0xdeadbeef}, p).toString('hex'));"
            "console.log(JSON.stringify(Opcode));"
            "import { encodePayload } from './sdk/protocol/codec.ts';"
            "console.log(Buffer.from(encodePayload(1, " + json.dumps(SAMPLE) + ")).toString('hex'));"
        )
        out = subprocess.run([TSX, "--eval", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        hex_line, opcodes_line, msgpack_line = out.stdout.strip().splitlines()[-3:]
        ours = _frame.encode_frame(1, 0x20, 0xDEADBEEF, _frame.encode_payload({"message": "hé"}))
        self.assertEqual(ours.hex(), hex_line)
        for name, number in json.loads(opcodes_line).items():
            self.assertEqual(getattr(Opcode, name), number, name)
        self.assertEqual(_frame.decode_payload(1, bytes.fromhex(msgpack_line)), SAMPLE)


if __name__ == "__main__":
    unittest.main()
