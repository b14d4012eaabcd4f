"""CloveClient: one method per Clove syscall, over one multiplexed connection."""

import copy
import os

from ._connection import Connection
from ._frame import DEFAULT_MAX_FRAME_SIZE
from .opcodes import Opcode

_DEFAULT = object()


def _compact(**fields):
    """The request payload: fields left as ``None`` are not sent (the kernel applies its default)."""
    return dict((k, v) for k, v in fields.items() if v is not None)


class CloveClient(object):
    """A client of the Clove kernel, for agents and for operator scripts.

    Where it connects, in order: ``socket_path``/``token`` when given; else the kernel channel a
    spawned agent inherits (``CLOVE_FD``); else ``CLOVE_SOCKET`` (or the default socket path) with
    ``CLOVE_TOKEN`` or the operator token file. The connection opens on ``connect()``, on entering
    ``with``, or on the first call. One client may be shared by many threads: calls run concurrently
    and answers are matched by request id.

    Every method returns the kernel's response (a dict) unless its docstring says otherwise, and
    raises :class:`CloveError` with the kernel's code on failure; ``timeout`` (seconds, ``None`` =
    wait forever) bounds each call, extended by any wait the call asks the kernel for.

    Example::

        from clove_sdk import CloveClient

        with CloveClient() as c:
            print(c.echo("hi"))
            agent = c.spawn(script="worker.py", name="worker")
            c.send("worker", {"task": 42})
    """

    def __init__(self, socket_path=None, token=None, timeout=30.0, max_frame_size=DEFAULT_MAX_FRAME_SIZE,
                 event_buffer=1024):
        self.timeout = timeout
        self._conn = Connection(socket_path, token, max_frame_size, event_buffer)

    # -- connection --------------------------------------------------------------------------

    def connect(self):
        """Opens the connection (authenticating with HELLO when connecting by path); returns self."""
        self._conn.open(self._hello_on_connect)
        return self

    def close(self):
        """Closes the connection; calls in flight fail with ``CLIENT_DISCONNECTED``."""
        self._conn.close()

    disconnect = close

    def __enter__(self):
        return self.connect()

    def __exit__(self, *exc_info):
        self.close()

    @property
    def connected(self):
        return self._conn.connected

    @property
    def socket_path(self):
        return self._conn.socket_path

    @property
    def agent_id(self):
        """This client's agent id, or ``None`` for an operator."""
        return self._conn.identity.get("agent_id")

    @property
    def agent_name(self):
        return self._conn.identity.get("agent_name")

    @property
    def role(self):
        """``"agent"`` or ``"operator"`` once connected."""
        return self._conn.identity.get("role")

    def with_timeout(self, timeout):
        """A view of this client, sharing its connection, whose calls use another timeout.

        Example: ``c.with_timeout(2).status()``
        """
        view = copy.copy(self)
        view.timeout = timeout
        return view

    def call(self, opcode, payload=None, timeout=_DEFAULT, wait_ms=0):
        """Raw syscall: sends ``payload`` (a JSON-able value, ``None`` = empty) with ``opcode`` and
        returns the decoded response. ``wait_ms`` is how long the kernel may legitimately block."""
        self._conn.ensure(self._hello_on_connect)
        if timeout is _DEFAULT:
            timeout = self.timeout
        if timeout is not None and wait_ms:
            timeout += wait_ms / 1000.0
        return self._conn.request(opcode, payload, timeout)

    def _hello_on_connect(self, conn):
        answer = conn.request(Opcode.HELLO, {"token": conn.token, "client": "python"}, self.timeout)
        conn.identity = answer or {}

    # -- core --------------------------------------------------------------------------------

    def echo(self, message):
        """NOOP: returns ``message`` as the kernel echoed it."""
        answer = self.call(Opcode.NOOP, {"message": message})
        return answer.get("message") if isinstance(answer, dict) else answer

    noop = echo

    def hello(self, token=None):
        """HELLO: authenticates (again) and returns ``{protocol, kernel_version, role, agent_id, agent_name}``."""
        answer = self.call(Opcode.HELLO, _compact(token=token or self._conn.token, client="python"))
        if isinstance(answer, dict):
            self._conn.identity = answer
        return answer

    def status(self):
        """STATUS: the kernel's version, pid, socket, uptime, agent and connection counts."""
        return self.call(Opcode.STATUS, {})

    # -- agents ------------------------------------------------------------------------------

    def spawn(self, name=None, script=None, sandboxed=False, network=False, limits=None, args=None, **kw):
        """SPAWN: starts an agent and returns its record ``{id, name, pid, state, isolation, ...}``.

        ``script`` relative to this process's working directory is made absolute. Further fields
        (``env``, ``cwd``, ``permissions``, ``restart``, ``world``) pass through ``**kw``; the seed's
        ``restart_policy``/``max_restarts``/``restart_window`` (seconds) are translated to ``restart``.
        """
        if not script:
            raise TypeError("spawn() needs script=... (the path of the agent's program)")
        if not os.path.isabs(script) and os.path.exists(script):
            script = os.path.abspath(script)
        policy = kw.pop("restart_policy", None)
        max_restarts = kw.pop("max_restarts", None)
        window = kw.pop("restart_window", None)
        if policy is not None and "restart" not in kw:
            kw["restart"] = _compact(policy=policy, max_restarts=max_restarts,
                                     window_ms=None if window is None else int(window * 1000))
        payload = _compact(name=name, script=script, sandboxed=sandboxed, network=network, limits=limits,
                           args=None if args is None else [str(a) for a in args])
        payload.update(_compact(**kw))
        return self.call(Opcode.SPAWN, payload)

    def kill(self, agent=None, signal=None, grace_ms=None, name=None, agent_id=None):
        """KILL: signals an agent (default SIGTERM, then SIGKILL after the grace period);
        returns ``{killed, agent}``. ``name=``/``agent_id=`` are the seed's spellings of ``agent``."""
        return self.call(Opcode.KILL, _compact(agent=_agent_ref(agent, name, agent_id), signal=signal,
                                               grace_ms=grace_ms))

    def list_agents(self, all=False):
        """LIST: returns a list of agent records (exited ones too with ``all=True``)."""
        answer = self.call(Opcode.LIST, {"all": True} if all else {})
        return answer.get("agents", []) if isinstance(answer, dict) else (answer or [])

    def wait(self, agent, timeout_ms=None):
        """WAIT: blocks until the agent exits; returns its record. ``KERNEL_TIMEOUT`` after ``timeout_ms``."""
        return self.call(Opcode.WAIT, _compact(agent=agent, timeout_ms=timeout_ms),
                         timeout=None if timeout_ms is None else _DEFAULT, wait_ms=timeout_ms or 0)

    def logs(self, agent, since_seq=None, wait_ms=None):
        """LOGS: ``{agent_id, lines: [{seq, stream, time, text}], next_seq, dropped}``."""
        return self.call(Opcode.LOGS, _compact(agent=agent, since_seq=since_seq, wait_ms=wait_ms),
                         wait_ms=wait_ms or 0)

    def pause(self, agent=None, name=None, agent_id=None):
        """PAUSE: stops an agent's processes until :meth:`resume`."""
        return self.call(Opcode.PAUSE, {"agent": _agent_ref(agent, name, agent_id)})

    def resume(self, agent=None, name=None, agent_id=None):
        return self.call(Opcode.RESUME, {"agent": _agent_ref(agent, name, agent_id)})

    # -- IPC ---------------------------------------------------------------------------------

    def send(self, to, payload):
        """SEND: puts ``payload`` in the mailbox of agent ``to`` (id or name); returns ``{message_id, to}``."""
        return self.call(Opcode.SEND, {"to": to, "payload": payload})

    def recv(self, timeout_ms=0):
        """RECV: the next message ``{id, from, from_name, to, time, payload}``, or ``None`` when none
        arrives within ``timeout_ms`` (0 = do not block)."""
        answer = self.call(Opcode.RECV, _compact(timeout_ms=timeout_ms), wait_ms=timeout_ms or 0)
        return answer.get("message") if isinstance(answer, dict) else None

    def broadcast(self, payload, include_self=False):
        """BROADCAST: sends to every live agent; returns ``{delivered, failed: [{to, code}]}``."""
        return self.call(Opcode.BROADCAST, {"payload": payload, "include_self": include_self})

    def send_message(self, message, to=None, to_name=None):
        """The seed's spelling of :meth:`send`."""
        return self.send(to if to is not None else to_name, message)

    def recv_messages(self, max_messages=10):
        """The seed's batch receive: ``{messages: [...], count}`` without blocking."""
        messages = []
        while len(messages) < max_messages:
            message = self.recv(0)
            if message is None:
                break
            messages.append(message)
        return {"messages": messages, "count": len(messages)}

    # -- state store -------------------------------------------------------------------------

    def store(self, key, value, scope=None, ttl_ms=None):
        """STORE: ``scope`` is "global" (default), "agent" or "session"; ``ttl_ms`` expires the key."""
        payload = _compact(key=key, scope=scope, ttl_ms=ttl_ms)
        payload["value"] = value
        return self.call(Opcode.STORE, payload)

    def fetch(self, key, scope=None):
        """FETCH: ``{found, value}``."""
        return self.call(Opcode.FETCH, _compact(key=key, scope=scope))

    def delete(self, key, scope=None):
        """DELETE: ``{deleted}``."""
        return self.call(Opcode.DELETE, _compact(key=key, scope=scope))

    def keys(self, prefix=None, scope=None):
        """KEYS: ``{keys: [...]}``, optionally only those starting with ``prefix``."""
        return self.call(Opcode.KEYS, _compact(prefix=prefix, scope=scope))

    delete_key = delete
    list_keys = keys

    # -- events ------------------------------------------------------------------------------

    def subscribe(self, types=None, push=False):
        """SUBSCRIBE to event types (a list, one name, or ``["*"]``, the default).

        With ``push=True`` the kernel pushes events to this connection as they happen: read them
        with :meth:`next_event` or :meth:`on_event`; otherwise collect them with :meth:`poll_events`.
        """
        return self.call(Opcode.SUBSCRIBE, {"types": _types(types), "push": bool(push)})

    def unsubscribe(self, types=None):
        return self.call(Opcode.UNSUBSCRIBE, {"types": _types(types)})

    def poll_events(self, max_events=None, timeout_ms=None):
        """POLL_EVENTS: ``{events: [{seq, type, time, source, data}], dropped}``."""
        return self.call(Opcode.POLL_EVENTS, _compact(max=max_events, timeout_ms=timeout_ms),
                         wait_ms=timeout_ms or 0)

    def emit_event(self, name=None, data=None, type="CUSTOM"):
        """EMIT: publishes an event (``CUSTOM`` with ``name`` and ``data``); returns ``{seq}``."""
        return self.call(Opcode.EMIT, _compact(type=type, name=name, data=data))

    def next_event(self, timeout=None):
        """The oldest event pushed to this connection (``subscribe(push=True)``), waiting up to
        ``timeout`` seconds for one; ``None`` if none came."""
        return self._conn.next_event(timeout)

    def drain_events(self):
        """All pushed events buffered so far (the buffer keeps the newest ``event_buffer``)."""
        return self._conn.drain_events()

    def on_event(self, callback):
        """Calls ``callback(event)`` on the reader thread for every pushed event; keep it quick."""
        self._conn.event_callbacks.append(callback)
        return callback

    # -- metrics -----------------------------------------------------------------------------

    def get_system_metrics(self):
        """METRICS_SYSTEM: cpu, memory, disk, network and kernel figures."""
        return self.call(Opcode.METRICS_SYSTEM, {})

    def get_agent_metrics(self, agent=None, agent_id=None):
        """METRICS_AGENT of ``agent`` (default: the caller)."""
        return self.call(Opcode.METRICS_AGENT, _compact(agent=_agent_ref(agent, None, agent_id, required=False)))

    def get_all_agent_metrics(self):
        """METRICS_ALL_AGENTS: ``{agents: [...]}``."""
        return self.call(Opcode.METRICS_ALL_AGENTS, {})

    def get_cgroup_metrics(self, agent=None, agent_id=None):
        return self.call(Opcode.METRICS_CGROUP, _compact(agent=_agent_ref(agent, None, agent_id, required=False)))

    # -- LLM, files, processes, network (kernel support arrives with later issues) -----------

    def think(self, prompt, system=None, max_tokens=None, model=None, **kw):
        """THINK: asks the kernel's LLM scheduler."""
        return self.call(Opcode.THINK, _compact(prompt=prompt, system=system, max_tokens=max_tokens, model=model,
                                                **kw))

    def read(self, path, encoding=None):
        """READ: ``{content, size}``."""
        return self.call(Opcode.READ, _compact(path=path, encoding=encoding))

    def write(self, path, content, mode=None):
        """WRITE: ``mode`` "w" (default) or "a"."""
        return self.call(Opcode.WRITE, _compact(path=path, content=content, mode=mode))

    read_file = read
    write_file = write

    def exec(self, command, args=None, timeout_ms=None, cwd=None):
        """EXEC: ``{exit_code, stdout, stderr, ...}``."""
        return self.call(Opcode.EXEC, _compact(command=command, args=args, timeout_ms=timeout_ms, cwd=cwd),
                         wait_ms=timeout_ms or 0)

    def http(self, url, method=None, headers=None, body=None, timeout_ms=None):
        """HTTP: ``{status, headers, body}``."""
        return self.call(Opcode.HTTP, _compact(method=method, url=url, headers=headers, body=body,
                                               timeout_ms=timeout_ms), wait_ms=timeout_ms or 0)

    def get_perms(self, agent=None):
        return self.call(Opcode.GET_PERMS, _compact(agent=agent))

    def set_perms(self, agent, permissions):
        return self.call(Opcode.SET_PERMS, {"agent": agent, "permissions": permissions})

    get_permissions = get_perms

    # -- time --------------------------------------------------------------------------------

    def time(self):
        """TIME: ``{now_ms, iso, world}`` (the world's clock when the caller is in one)."""
        return self.call(Opcode.TIME, {})

    def sleep(self, ms):
        """SLEEP on the kernel's (or the world's) clock."""
        return self.call(Opcode.SLEEP, {"ms": ms}, wait_ms=ms)

    # -- worlds (request shapes follow docs/protocol.md; extra fields pass through) ----------

    def world_create(self, config=None, name=None, **kw):
        return self.call(Opcode.WORLD_CREATE, _compact(config=config, name=name, **kw))

    def world_destroy(self, world, **kw):
        return self.call(Opcode.WORLD_DESTROY, _compact(world=world, **kw))

    def world_list(self, **kw):
        return self.call(Opcode.WORLD_LIST, _compact(**kw))

    def world_join(self, world, agent=None, **kw):
        return self.call(Opcode.WORLD_JOIN, _compact(world=world, agent=agent, **kw))

    def world_leave(self, agent=None, **kw):
        return self.call(Opcode.WORLD_LEAVE, _compact(agent=agent, **kw))

    def world_event(self, world, event, **kw):
        return self.call(Opcode.WORLD_EVENT, _compact(world=world, event=event, **kw))

    def world_state(self, world, **kw):
        return self.call(Opcode.WORLD_STATE, _compact(world=world, **kw))

    def world_snapshot(self, world, **kw):
        return self.call(Opcode.WORLD_SNAPSHOT, _compact(world=world, **kw))

    def world_restore(self, snapshot, name=None, **kw):
        return self.call(Opcode.WORLD_RESTORE, _compact(snapshot=snapshot, name=name, **kw))


def _agent_ref(agent, name, agent_id, required=True):
    for ref in (agent, name, agent_id):
        if ref is not None:
            return ref
    if required:
        raise TypeError("which agent? pass its id or name")
    return None


def _types(types):
    if types is None:
        return ["*"]
    if isinstance(types, str):
        return [types]
    return list(types)
