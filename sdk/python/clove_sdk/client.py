"""CloveClient: one method per Clove syscall, over one multiplexed connection."""

import base64
import copy
import json
import os

from ._connection import Connection
from ._frame import DEFAULT_MAX_FRAME_SIZE
from .opcodes import Opcode

_DEFAULT = object()


_IMAGE_MAGIC = ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"),
                (b"RIFF", "image/webp"))


def _image(image):
    """THINK's ``image``: a ``{data, mime_type}`` dict as is, raw bytes encoded with a sniffed type."""
    if image is None or isinstance(image, dict):
        return image
    if isinstance(image, (bytes, bytearray, memoryview)):
        raw = bytes(image)
        for magic, mime in _IMAGE_MAGIC:
            if raw.startswith(magic):
                return {"data": base64.b64encode(raw).decode("ascii"), "mime_type": mime}
        raise ValueError("image: unknown image format; pass {'data': base64, 'mime_type': 'image/...'}")
    raise TypeError("image must be a dict {data, mime_type} or bytes, not %s" % type(image).__name__)


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

    def logs(self, agent, since_seq=None, wait_ms=None, max=None):
        """LOGS: ``{agent_id, lines: [{seq, stream, time, text}], next_seq, dropped}``; at most ``max``
        lines (kernel default 1000)."""
        return self.call(Opcode.LOGS, _compact(agent=agent, since_seq=since_seq, wait_ms=wait_ms, max=max),
                         wait_ms=wait_ms or 0)

    def pause(self, agent=None, name=None, agent_id=None):
        """PAUSE: stops an agent's processes until :meth:`resume` (SIGSTOP, or the cgroup freezer for a
        sandboxed agent); returns ``{agent: record, via}``."""
        return self.call(Opcode.PAUSE, {"agent": _agent_ref(agent, name, agent_id)})

    def resume(self, agent=None, name=None, agent_id=None):
        """RESUME: continues a paused agent; returns ``{agent: record, via}``."""
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

    def store(self, key, value, scope=None, ttl_ms=None, world=None):
        """STORE: ``scope`` is "global" (default), "agent", "session" or "world" (the caller's world's
        own state, captured in its snapshots; operators name the ``world``); ``ttl_ms`` expires the
        key (not in scope "world")."""
        payload = _compact(key=key, scope=scope, ttl_ms=ttl_ms, world=world)
        payload["value"] = value
        return self.call(Opcode.STORE, payload)

    def fetch(self, key, scope=None, world=None):
        """FETCH: ``{found, value}``."""
        return self.call(Opcode.FETCH, _compact(key=key, scope=scope, world=world))

    def delete(self, key, scope=None, world=None):
        """DELETE: ``{deleted}``."""
        return self.call(Opcode.DELETE, _compact(key=key, scope=scope, world=world))

    def keys(self, prefix=None, scope=None, world=None):
        """KEYS: ``{keys: [...]}``, optionally only those starting with ``prefix``."""
        return self.call(Opcode.KEYS, _compact(prefix=prefix, scope=scope, world=world))

    delete_key = delete
    list_keys = keys

    # -- events ------------------------------------------------------------------------------

    def subscribe(self, types=None, push=None):
        """SUBSCRIBE to event types (a list, one name, or ``["*"]``, the default); adds to the
        connection's types.

        With ``push=True`` the kernel pushes events to this connection as they happen: read them
        with :meth:`next_event` or :meth:`on_event`; otherwise collect them with :meth:`poll_events`.
        ``push=False`` turns pushing off again; left out, the connection keeps its current mode.
        """
        return self.call(Opcode.SUBSCRIBE, _compact(types=_types(types), push=None if push is None else bool(push)))

    def unsubscribe(self, types=None):
        return self.call(Opcode.UNSUBSCRIBE, {"types": _types(types)})

    def poll_events(self, max_events=None, timeout_ms=None):
        """POLL_EVENTS: ``{events: [{seq, type, time, source, data}], dropped}``."""
        return self.call(Opcode.POLL_EVENTS, _compact(max=max_events, timeout_ms=timeout_ms),
                         wait_ms=timeout_ms or 0)

    def emit_event(self, name=None, data=None, type="CUSTOM"):
        """EMIT: publishes an event (``CUSTOM`` with ``name`` and ``data``); returns ``{seq}``."""
        return self.call(Opcode.EMIT, _compact(type=type, name=name, data=data))

    def submit(self, answer=None):
        """Declares a gym task done: EMIT of the CUSTOM event ``gym.submit`` with ``{answer}``.

        The episode driver (``clove gym play``, ``runEpisode``) ends the episode and grades it.
        See :func:`clove_sdk.task` for the task itself.
        """
        return self.call(Opcode.EMIT, {"type": "CUSTOM", "name": "gym.submit", "data": {} if answer is None else {"answer": answer}})

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
        """METRICS_CGROUP of a sandboxed ``agent`` (default: the caller): ``{agent_id, cgroup: {version,
        path}, memory: {current, max, peak}, cpu: {usage_usec, ...}, pids: {current, max}, ...}``.
        ``SANDBOX_UNAVAILABLE`` when the agent has no cgroup."""
        return self.call(Opcode.METRICS_CGROUP, _compact(agent=_agent_ref(agent, None, agent_id, required=False)))

    # -- LLM ---------------------------------------------------------------------------------

    def think(self, prompt=None, system=None, max_tokens=None, model=None, temperature=None, messages=None,
              image=None, system_instruction=None, thinking_level=None, tools=None, tool_choice=None, stop=None,
              seed=None, world=None):
        """THINK: asks the kernel's model (a deterministic mock unless the kernel is configured
        otherwise; inside a world, the world's scripted LLM).

        Give ``prompt`` (with ``system``/``system_instruction`` and an optional ``image``) or
        ``messages`` (``[{role: system|user|assistant|tool, content, tool_calls?, tool_call_id?}]``).
        ``image`` is ``{"data": base64, "mime_type": "image/png"}`` or raw bytes (PNG, JPEG, GIF,
        WebP). ``tools`` are ``[{name, description, parameters: JSON Schema}]``; ``tool_choice`` is
        ``"auto"``, ``"none"``, ``"required"`` or ``{"name": ...}``; ``thinking_level`` is
        ``minimal``/``low``/``medium``/``high``.

        Returns ``{success, content, text, tool_calls: [{id, name, arguments}], finish_reason,
        usage: {prompt_tokens, completion_tokens, total_tokens}, tokens, model, provider, queue_ms,
        latency_ms}``. Raises ``LLM_QUOTA_EXCEEDED`` past the agent's quota and ``LLM_FAILED``
        (``details["kind"]``: rate_limit, timeout, server_error, malformed, ...). Waits up to 300 s.

        Example::

            answer = client.think("Summarise this file", system_instruction="Be brief")
            print(answer["content"], answer["tokens"])
        """
        return self.call(Opcode.THINK, _compact(prompt=prompt, system=system, system_instruction=system_instruction,
                                                image=_image(image), messages=messages, tools=tools,
                                                tool_choice=tool_choice, model=model, max_tokens=max_tokens,
                                                temperature=temperature, stop=stop, seed=seed,
                                                thinking_level=thinking_level, world=world),
                         wait_ms=_THINK_WAIT_MS)

    # -- files (world-aware: an agent in a world reaches the world's tree) ---------------------

    def read(self, path, encoding=None, offset=None, length=None, world=None):
        """READ: ``{path, content, encoding, size}`` (``size`` is the whole file's; ``content`` may be
        the slice ``offset``/``length``). ``encoding="base64"`` for binary files."""
        return self.call(Opcode.READ, _compact(path=path, encoding=encoding, offset=offset, length=length,
                                               world=world))

    def write(self, path, content, mode=None, encoding=None, world=None):
        """WRITE: ``mode`` "w" (default) or "a"; ``content`` is text, or bytes (sent as base64).
        Returns ``{path, written}``."""
        if isinstance(content, (bytes, bytearray, memoryview)):
            content = base64.b64encode(bytes(content)).decode("ascii")
            encoding = "base64"
        return self.call(Opcode.WRITE, _compact(path=path, content=content, mode=mode, encoding=encoding,
                                                world=world))

    def stat(self, path, world=None):
        """STAT: ``{path, type: file|dir|symlink|other, size, mode, mtime_ms}``."""
        return self.call(Opcode.STAT, _compact(path=path, world=world))

    def listdir(self, path=".", world=None):
        """LISTDIR: returns the list of entries ``[{name, type, size}]``, sorted by name."""
        answer = self.call(Opcode.LISTDIR, _compact(path=path, world=world))
        return answer.get("entries", []) if isinstance(answer, dict) else (answer or [])

    def unlink(self, path, recursive=False, world=None):
        """UNLINK: removes a file (a directory with ``recursive=True``); ``{deleted: true}``."""
        return self.call(Opcode.UNLINK, _compact(path=path, recursive=True if recursive else None, world=world))

    def mkdir(self, path, recursive=None, world=None):
        """MKDIR: creates a directory, with its parents unless ``recursive=False``; ``{created: true}``."""
        return self.call(Opcode.MKDIR, _compact(path=path, recursive=recursive, world=world))

    read_file = read
    write_file = write
    list_dir = listdir

    # -- commands, network, permissions ------------------------------------------------------

    def exec(self, command, args=None, timeout_ms=None, cwd=None, env=None, stdin=None, max_output_bytes=None):
        """EXEC: runs ``command`` beside the calling agent (in its sandbox; on the host for an
        operator): a string runs with ``/bin/sh -c``, a list is an argv. ``args`` (the seed's
        spelling) turns the command into ``[command, *args]``. Returns ``{exit_code, signal, stdout,
        stderr, stdout_truncated, stderr_truncated, timed_out, duration_ms}``."""
        if args:
            command = (list(command) if isinstance(command, (list, tuple)) else [command]) + [str(a) for a in args]
        elif isinstance(command, tuple):
            command = list(command)
        return self.call(Opcode.EXEC, _compact(command=command, timeout_ms=timeout_ms, cwd=cwd, env=env, stdin=stdin,
                                               max_output_bytes=max_output_bytes),
                         wait_ms=timeout_ms or _DEFAULT_CALL_MS)

    def http(self, url, method=None, headers=None, body=None, timeout_ms=None, body_encoding=None, max_bytes=None,
             world=None):
        """HTTP: ``{status, headers, body, body_encoding, truncated, duration_ms}``. Inside a world the
        world's mocks answer (``HTTP_BLOCKED`` when no route matches); otherwise the real network,
        under the agent's ``http`` permissions. ``body``: text, bytes (sent as base64) or a JSON value."""
        if isinstance(body, (bytes, bytearray, memoryview)):
            body = base64.b64encode(bytes(body)).decode("ascii")
            body_encoding = "base64"
        return self.call(Opcode.HTTP, _compact(url=url, method=method, headers=headers, body=body,
                                               body_encoding=body_encoding, timeout_ms=timeout_ms,
                                               max_bytes=max_bytes, world=world),
                         wait_ms=timeout_ms or _DEFAULT_CALL_MS)

    def get_perms(self, agent=None, agent_id=None):
        """GET_PERMS: ``{agent_id, permissions: {level, paths, exec, http, llm}, llm_usage: {calls,
        tokens}}`` of ``agent`` (default: the caller; operators must name one)."""
        return self.call(Opcode.GET_PERMS, _compact(agent=_agent_ref(agent, None, agent_id, required=False)))

    def set_perms(self, agent, permissions):
        """SET_PERMS (operator, or grant ``perms``): ``permissions`` is a level name ("STANDARD", ...)
        or a permission object; returns ``{agent_id, permissions}``."""
        return self.call(Opcode.SET_PERMS, {"agent": agent, "permissions": permissions})

    get_permissions = get_perms
    set_permissions = set_perms

    # -- time (the caller's world clock inside a world) --------------------------------------

    def time(self, world=None):
        """TIME: ``{now_ms, iso, world, clock_mode}`` (+ ``elapsed_ms`` in a world): the world's
        virtual clock for an agent in a world (or the ``world`` named), the host's otherwise."""
        return self.call(Opcode.TIME, _compact(world=world))

    def sleep(self, ms, world=None):
        """SLEEP on the caller's clock: ``{slept_ms, now_ms, world}``. In a discrete world virtual
        time jumps ahead once every agent waits, so an hour may pass at once; on a realtime clock the
        call really takes ``ms``, and the client waits that long on top of its timeout."""
        return self.call(Opcode.SLEEP, _compact(ms=int(ms), world=world), wait_ms=int(ms))

    # -- worlds --------------------------------------------------------------------------------

    def world_create(self, source=None, path=None, file=None, name=None, seed=None, base_dir=None, config=None):
        """WORLD_CREATE (operator, or grant ``worlds``): from YAML text ``source`` (``file`` names it in
        error positions) or a world file ``path`` the kernel reads (made absolute here). ``config``
        (the seed's spelling) is YAML text or a dict (sent as JSON, which is YAML). Returns the world
        ``{name, seed, time, elapsed_ms, clock_mode, files, pending_events, timeline_length, requests,
        agents, directory, state_hash}``."""
        if config is not None and source is None:
            source = config if isinstance(config, str) else json.dumps(config)
        return self.call(Opcode.WORLD_CREATE, _compact(source=source, path=_abspath(path), file=file, name=name,
                                                       seed=seed, base_dir=_abspath(base_dir)))

    def world_destroy(self, world):
        """WORLD_DESTROY (operator): stops the world's agents; ``{destroyed, agents_stopped}``."""
        return self.call(Opcode.WORLD_DESTROY, {"world": world})

    def world_list(self):
        """WORLD_LIST: returns the list of worlds (as :meth:`world_create` describes one)."""
        answer = self.call(Opcode.WORLD_LIST, {})
        return answer.get("worlds", []) if isinstance(answer, dict) else (answer or [])

    def world_join(self, world, agent=None):
        """WORLD_JOIN: moves ``agent`` (default: the caller) into ``world``; ``{world, agent}``."""
        return self.call(Opcode.WORLD_JOIN, _compact(world=world, agent=agent))

    def world_leave(self, agent=None):
        """WORLD_LEAVE: takes ``agent`` (default: the caller) out of its world; ``{world, agent}``."""
        return self.call(Opcode.WORLD_LEAVE, _compact(agent=agent))

    def world_event(self, world, type, params=None, in_=None, label=None, **kw):
        """WORLD_EVENT (operator): injects event ``type`` (e.g. ``"fs.write"``, ``"clock.jump"``) now
        (``{entry}``), or schedules it ``in_`` a virtual delay, ms or "30s" (``{scheduled: id}``)."""
        if in_ is None:
            in_ = kw.pop("in", None)
        if kw:
            raise TypeError("world_event() got unexpected arguments: %s" % ", ".join(sorted(kw)))
        payload = {"world": world, "type": type, "params": params if params is not None else {}}
        payload.update(_compact(label=label))
        if in_ is not None:
            payload["in"] = in_
        return self.call(Opcode.WORLD_EVENT, payload)

    def world_state(self, world, timeline=False, requests=False, diff=False, kv=False, pending=False, limit=None,
                    llm=False):
        """WORLD_STATE: ``{world: {...}}`` plus the parts asked for: ``timeline``, ``requests``,
        ``diff`` (``{added, modified, deleted}``), ``kv``, ``pending``, ``llm`` (``{mode, calls,
        faults}``: every call to the world's LLM with its prompt); ``limit`` keeps the newest
        timeline entries."""
        payload = {"world": world}
        for field, wanted in (("timeline", timeline), ("requests", requests), ("diff", diff), ("kv", kv),
                              ("pending", pending), ("llm", llm)):
            if wanted:
                payload[field] = True
        payload.update(_compact(limit=limit))
        return self.call(Opcode.WORLD_STATE, payload)

    def world_snapshot(self, world, path=None):
        """WORLD_SNAPSHOT (operator): writes the snapshot to ``path`` on the kernel's host (made
        absolute here), or returns it as ``data_base64``; ``{world, bytes, state_hash,
        processes_captured: false, path | data_base64}``."""
        return self.call(Opcode.WORLD_SNAPSHOT, _compact(world=world, path=_abspath(path)))

    def world_restore(self, path=None, data_base64=None, name=None, in_place=False, snapshot=None):
        """WORLD_RESTORE (operator): from a snapshot file ``path`` or ``data_base64`` (or the dict
        :meth:`world_snapshot` returned, as ``path``/``snapshot``). A new world (a fork) named
        ``name`` (default: the snapshot's name, which must be free), or with ``in_place=True`` the
        existing world of that name rewinds. Returns the world."""
        if snapshot is None and isinstance(path, dict):
            snapshot, path = path, None
        if isinstance(snapshot, dict):
            path = path or snapshot.get("path")
            data_base64 = data_base64 or snapshot.get("data_base64")
        elif isinstance(snapshot, (bytes, bytearray)):
            data_base64 = base64.b64encode(bytes(snapshot)).decode("ascii")
        elif isinstance(snapshot, str):
            path = snapshot
        payload = _compact(path=_abspath(path), data_base64=None if path else data_base64, name=name)
        if in_place:
            payload["in_place"] = True
        return self.call(Opcode.WORLD_RESTORE, payload)


_DEFAULT_CALL_MS = 30000
_THINK_WAIT_MS = 270000


def _abspath(path):
    if path is None or os.path.isabs(path):
        return path
    return os.path.abspath(path)


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
