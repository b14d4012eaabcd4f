"""A tiny stand-in for the Clove kernel, for SDK tests: listens on a Unix socket (or serves one
end of a socketpair), parses frames with its own struct code (independent of the SDK's), and
answers with handlers keyed by opcode."""

import json
import os
import socket
import struct
import sys
import tempfile
import threading

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "sdk", "python"))

HEADER = struct.Struct(">HBBBBHII")


def frame(kind, opcode, request_id, body=None, codec=0):
    payload = b"" if body is None else json.dumps(body).encode("utf-8")
    return HEADER.pack(0x434C, 1, kind, opcode, codec, 0, request_id, len(payload)) + payload


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


class Request(object):
    def __init__(self, peer, opcode, request_id, payload):
        self.peer = peer
        self.opcode = opcode
        self.request_id = request_id
        self.payload = payload

    def reply(self, body):
        self.peer.send(frame(2, self.opcode, self.request_id, body))

    def error(self, code, message, details=None):
        body = {"code": code, "message": message}
        if details is not None:
            body["details"] = details
        self.peer.send(frame(3, self.opcode, self.request_id, body))


class Peer(object):
    """One client connection on the fake kernel side."""

    def __init__(self, sock, kernel):
        self.sock = sock
        self.kernel = kernel
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def send(self, data):
        with self.lock:
            try:
                self.sock.sendall(data)
            except OSError:
                pass

    def push_event(self, event):
        self.send(frame(4, 0x62, 0, event))

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()

    def serve(self):
        try:
            self._serve()
        finally:
            self.sock.close()

    def _serve(self):
        while True:
            try:
                head = read_exact(self.sock, HEADER.size)
            except OSError:
                return
            if head is None:
                return
            magic, version, kind, opcode, codec, flags, request_id, length = HEADER.unpack(head)
            body = read_exact(self.sock, length) if length else b""
            payload = json.loads(body.decode("utf-8")) if body else None
            request = Request(self, opcode, request_id, payload)
            self.kernel.requests.append(request)
            handler = self.kernel.handlers.get(opcode)
            if handler is None:
                request.error("KERNEL_NOT_IMPLEMENTED", "opcode 0x%02x is not implemented" % opcode)
                continue
            answer = handler(request)
            if answer is not None:
                request.reply(answer)


class FakeKernel(object):
    """``handlers[opcode](request)`` returns the response body, or None after replying itself."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="clove-fake-")
        self.socket_path = os.path.join(self.dir, "kernel.sock")
        self.token = "operator-secret"
        with open(os.path.join(self.dir, "operator.token"), "w") as f:
            f.write(self.token + "\n")
        self.requests = []
        self.peers = []
        self.handlers = {
            0x00: lambda r: r.payload,
            0xF0: self._hello,
        }
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.socket_path)
        self.server.listen(16)
        self.accepting = threading.Thread(target=self._accept, daemon=True)
        self.accepting.start()

    def _hello(self, request):
        if request.payload.get("token") != self.token:
            request.error("KERNEL_UNAUTHENTICATED", "bad token")
            return None
        return {"protocol": 1, "kernel_version": "0.0.0-fake", "role": "operator", "agent_id": None,
                "agent_name": None}

    def _accept(self):
        while True:
            try:
                sock, _ = self.server.accept()
            except OSError:
                return
            self.adopt(sock)

    def adopt(self, sock):
        peer = Peer(sock, self)
        self.peers.append(peer)
        peer.thread.start()
        return peer

    def requests_for(self, opcode):
        return [r for r in list(self.requests) if r.opcode == opcode]

    def close(self):
        self.server.close()
        for peer in list(self.peers):
            peer.close()
        for name in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, name))
        os.rmdir(self.dir)
