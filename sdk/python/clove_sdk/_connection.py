"""One connection to the kernel: socket set-up, a reader thread, request/response correlation.

Requests from any number of threads share the socket. Each gets a fresh request id and a slot;
the reader thread fills slots as responses arrive (in any order) and buffers pushed events.
"""

import collections
import os
import socket
import threading

from . import _frame
from .errors import CloveError, ErrorCode
from .opcodes import Opcode, opcode_name

_fd_lock = threading.Lock()
_fd_claimed_by_pid = None


def default_socket_path(environ=None):
    """``CLOVE_SOCKET``, else ``$XDG_RUNTIME_DIR/clove/kernel.sock``, else ``/tmp/clove-<uid>/kernel.sock``."""
    env = os.environ if environ is None else environ
    if env.get("CLOVE_SOCKET"):
        return env["CLOVE_SOCKET"]
    if env.get("XDG_RUNTIME_DIR"):
        return os.path.join(env["XDG_RUNTIME_DIR"], "clove", "kernel.sock")
    return os.path.join("/tmp", "clove-%d" % os.getuid(), "kernel.sock")


def state_dir_for(socket_path):
    """The kernel's state directory: the socket's directory, or ``<socket>.state`` when that one is
    shared with other users (world-writable or sticky, like ``/tmp``)."""
    full = os.path.abspath(socket_path)
    directory = os.path.dirname(full)
    try:
        mode = os.stat(directory).st_mode
    except OSError:
        return directory
    return full + ".state" if mode & 0o1002 else directory


def operator_token_path(socket_path, environ=None):
    """``CLOVE_TOKEN_FILE``, else ``operator.token`` in the kernel's state directory."""
    env = os.environ if environ is None else environ
    return env.get("CLOVE_TOKEN_FILE") or os.path.join(state_dir_for(socket_path), "operator.token")


def resolve_token(socket_path, environ=None):
    """``CLOVE_TOKEN`` (an agent's own token), else the operator token file if readable, else None."""
    env = os.environ if environ is None else environ
    if env.get("CLOVE_TOKEN"):
        return env["CLOVE_TOKEN"]
    try:
        with open(operator_token_path(socket_path, env)) as f:
            return f.read().strip() or None
    except OSError:
        return None


def _claim_inherited_fd(environ=None):
    """The kernel channel a spawned agent inherits (``CLOVE_FD``), for the first client of a process only."""
    global _fd_claimed_by_pid
    env = os.environ if environ is None else environ
    raw = env.get("CLOVE_FD")
    if not raw:
        return None
    with _fd_lock:
        if _fd_claimed_by_pid == os.getpid():
            return None
        try:
            sock = socket.socket(fileno=int(raw))
        except (ValueError, OSError):
            return None  # not a socket in this process (e.g. a child that inherited only the env)
        if sock.family != socket.AF_UNIX or sock.type != socket.SOCK_STREAM:
            sock.detach()
            return None
        _fd_claimed_by_pid = os.getpid()
    sock.setblocking(True)
    return sock


def _copy(error):
    """A fresh instance per waiting caller, so tracebacks are not shared between threads."""
    return CloveError(error.code, error.message, error.details)


class _Slot(object):
    __slots__ = ("done", "result", "error")

    def __init__(self):
        self.done = threading.Event()
        self.result = None
        self.error = None


class Connection(object):
    def __init__(self, socket_path=None, token=None, max_frame_size=_frame.DEFAULT_MAX_FRAME_SIZE, event_buffer=1024):
        self.socket_path = socket_path
        self.token = token
        self.max_frame_size = max_frame_size
        self.identity = {}
        self.events = collections.deque(maxlen=event_buffer)
        self.events_dropped = 0
        self.event_callbacks = []
        self._sock = None
        self._reader = None
        self._lock = threading.Lock()
        self._event_cond = threading.Condition(self._lock)
        self._send_lock = threading.Lock()
        self._connect_lock = threading.RLock()
        self._pending = {}
        self._next_id = 0
        self._closing = False
        self._closed = None  # CloveError once the connection is gone
        self._kernel_error = None  # error frame not tied to a request (framing errors)
        self._ever_connected = False
        self._ready = False  # connected and authenticated: other threads may send

    # -- set-up and tear-down ----------------------------------------------------------------

    @property
    def connected(self):
        return self._sock is not None and self._closed is None

    def ensure(self, hello):
        """Connects on first use; once connected (and authenticated), a lost connection stays lost."""
        if self._ever_connected and (self._ready or self._closed is not None):
            if self._closed is not None:
                raise _copy(self._closed)
            return
        self.open(hello)

    def open(self, hello):
        """Connects (by inherited fd, or by path + HELLO). ``hello(conn)`` authenticates a path connection."""
        with self._connect_lock:
            if self._ready and self.connected:
                return
            self._ready = False
            sock = None
            if self.socket_path is None and self.token is None:
                sock = _claim_inherited_fd()
            inherited = sock is not None
            if sock is None:
                path = self.socket_path or default_socket_path()
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    sock.connect(path)
                except OSError as exc:
                    sock.close()
                    raise CloveError(
                        ErrorCode.CLIENT_CONNECT_FAILED,
                        "cannot connect to the Clove kernel at %s (%s). Is it running? Start it with "
                        "`clove kernel start`, or point CLOVE_SOCKET at its socket" % (path, exc.strerror or exc),
                    )
                token = self.token or resolve_token(path)
                if not token:
                    sock.close()
                    raise CloveError(
                        ErrorCode.CLIENT_NO_TOKEN,
                        "no token to authenticate with the kernel at %s: set CLOVE_TOKEN, pass token=..., "
                        "or make the operator token file %s readable" % (path, operator_token_path(path)),
                    )
                self.socket_path, self.token = path, token
            self._start(sock)
            if inherited:
                env = os.environ
                agent_id = env.get("CLOVE_AGENT_ID")
                self.identity = {
                    "role": "agent",
                    "agent_id": int(agent_id) if agent_id and agent_id.isdigit() else None,
                    "agent_name": env.get("CLOVE_AGENT_NAME"),
                }
            else:
                try:
                    hello(self)
                except BaseException:
                    self.close()
                    raise
            self._ready = True

    def _start(self, sock):
        self._sock = sock
        self._closing = False
        self._closed = None
        self._kernel_error = None
        self._ever_connected = True
        self._reader = threading.Thread(target=self._read_loop, args=(sock,), name="clove-reader", daemon=True)
        self._reader.start()

    def close(self):
        with self._connect_lock:
            sock = self._sock
            if sock is None:
                return
            self._closing = True
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            if self._reader is not None and self._reader is not threading.current_thread():
                self._reader.join(5)
            sock.close()
            self._sock = None

    # -- requests ----------------------------------------------------------------------------

    def request(self, opcode, payload, timeout):
        """Sends one request and waits for its answer; returns the decoded response payload."""
        slot = _Slot()
        with self._lock:
            if self._closed is not None:
                raise _copy(self._closed)
            request_id = self._allocate_id()
            self._pending[request_id] = slot
        data = _frame.encode_frame(_frame.KIND_REQUEST, opcode, request_id, _frame.encode_payload(payload))
        try:
            with self._send_lock:
                self._sock.sendall(data)
        except (OSError, AttributeError) as exc:
            with self._lock:
                self._pending.pop(request_id, None)
                closed = self._closed
            raise _copy(closed) if closed else CloveError(
                ErrorCode.CLIENT_DISCONNECTED, "could not send %s to the kernel: %s" % (opcode_name(opcode), exc)
            )
        if not slot.done.wait(timeout):
            with self._lock:
                self._pending.pop(request_id, None)
            if not slot.done.is_set():
                raise CloveError(
                    ErrorCode.CLIENT_TIMEOUT,
                    "%s got no answer from the kernel within %gs" % (opcode_name(opcode), timeout),
                    {"opcode": opcode, "request_id": request_id},
                )
        if slot.error is not None:
            raise slot.error
        return slot.result

    def _allocate_id(self):
        # Request ids are u32, 0 is reserved for pushed events; skip ids still in flight after a wrap.
        while True:
            self._next_id = self._next_id % _frame.MAX_REQUEST_ID + 1
            if self._next_id not in self._pending:
                return self._next_id

    # -- reader thread -----------------------------------------------------------------------

    def _read_loop(self, sock):
        decoder = _frame.FrameDecoder(self.max_frame_size)
        reason = None
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                for frame in decoder.push(chunk):
                    self._dispatch(frame)
        except CloveError as exc:  # framing violation: the stream is out of sync
            reason = exc
        except OSError as exc:
            if not self._closing:
                reason = CloveError(ErrorCode.CLIENT_DISCONNECTED, "connection to the kernel failed: %s" % exc)
        if reason is None:
            if self._closing:
                reason = CloveError(ErrorCode.CLIENT_DISCONNECTED, "the client was closed")
            else:
                reason = self._kernel_error or CloveError(
                    ErrorCode.CLIENT_DISCONNECTED, "the kernel closed the connection"
                )
        with self._lock:
            self._closed = reason
            pending, self._pending = self._pending, {}
            self._event_cond.notify_all()
        for slot in pending.values():
            slot.error = _copy(reason)
            slot.done.set()

    def _dispatch(self, frame):
        if frame.kind == _frame.KIND_EVENT:
            self._push_event(frame)
            return
        if frame.kind not in (_frame.KIND_RESPONSE, _frame.KIND_ERROR):
            return  # the kernel never sends requests to clients; ignore rather than desync
        with self._lock:
            slot = self._pending.pop(frame.request_id, None)
        try:
            body = _frame.decode_payload(frame.codec, frame.payload)
            error = CloveError.from_payload(body) if frame.kind == _frame.KIND_ERROR else None
        except CloveError as exc:
            body, error = None, exc
        if slot is None:
            # A late answer to a timed-out call, or a connection-level error (request id 0) that
            # precedes the kernel closing the connection: keep the latter as the close reason.
            if error is not None and frame.request_id == 0:
                self._kernel_error = error
            return
        slot.result, slot.error = body, error
        slot.done.set()

    def _push_event(self, frame):
        try:
            event = _frame.decode_payload(frame.codec, frame.payload)
        except CloveError:
            return
        with self._lock:
            if len(self.events) == self.events.maxlen:
                self.events_dropped += 1
            self.events.append(event)
            self._event_cond.notify_all()
            callbacks = list(self.event_callbacks)
        for callback in callbacks:
            try:
                callback(event)
            except Exception:  # a faulty callback must not kill the reader thread
                pass

    def next_event(self, timeout):
        with self._lock:
            if not self.events and self._closed is None:
                self._event_cond.wait_for(lambda: self.events or self._closed is not None, timeout)
            return self.events.popleft() if self.events else None

    def drain_events(self):
        with self._lock:
            out = list(self.events)
            self.events.clear()
            return out
