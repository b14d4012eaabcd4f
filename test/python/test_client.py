import base64
import os
import socket
import threading
import time
import unittest
from unittest import mock

from fake_kernel import FakeKernel, frame
import clove_sdk._connection as connection_module
from clove_sdk import CloveClient, CloveError, ErrorCode, Opcode


class ClientTestCase(unittest.TestCase):
    def setUp(self):
        self.kernel = FakeKernel()
        self.addCleanup(self.kernel.close)
        env = dict((k, v) for k, v in os.environ.items() if not k.startswith("CLOVE_"))
        patcher = mock.patch.dict(os.environ, env, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)
        connection_module._fd_claimed_by_pid = None

    def client(self, **kw):
        kw.setdefault("socket_path", self.kernel.socket_path)
        kw.setdefault("timeout", 5)
        c = CloveClient(**kw)
        self.addCleanup(c.close)
        return c


class ConnectingTest(ClientTestCase):
    def test_says_hello_with_the_operator_token_file_beside_the_socket(self):
        with self.client() as c:
            self.assertEqual(c.role, "operator")
            self.assertTrue(c.connected)
        hello = self.kernel.requests_for(Opcode.HELLO)[0]
        self.assertEqual(hello.payload, {"token": "operator-secret", "client": "python"})
        self.assertFalse(c.connected)

    def test_prefers_CLOVE_TOKEN_and_reports_a_rejected_token_with_the_kernel_code(self):
        os.environ["CLOVE_TOKEN"] = "agent-token"
        with self.assertRaises(CloveError) as ctx:
            self.client().connect()
        self.assertEqual(ctx.exception.code, ErrorCode.UNAUTHENTICATED)
        self.assertEqual(self.kernel.requests_for(Opcode.HELLO)[0].payload["token"], "agent-token")

    def test_finds_the_socket_through_CLOVE_SOCKET_and_connects_on_first_call(self):
        os.environ["CLOVE_SOCKET"] = self.kernel.socket_path
        c = self.client(socket_path=None)
        self.assertEqual(c.echo("lazy"), "lazy")
        self.assertEqual(c.socket_path, self.kernel.socket_path)

    def test_threads_racing_to_the_first_call_all_wait_for_hello(self):
        answered = threading.Event()
        early = []

        def slow_hello(request):
            def later():
                time.sleep(0.2)
                answered.set()
                request.reply(self.kernel._hello(request))
            threading.Thread(target=later).start()

        def noop(request):
            if not answered.is_set():
                early.append(request.payload)
            return request.payload

        self.kernel.handlers[Opcode.HELLO] = slow_hello
        self.kernel.handlers[Opcode.NOOP] = noop
        c = self.client()
        threads = [threading.Thread(target=c.echo, args=("m%d" % i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(5)
        self.assertEqual(len(self.kernel.requests_for(Opcode.NOOP)), 8)
        self.assertEqual(len(self.kernel.requests_for(Opcode.HELLO)), 1)
        self.assertEqual(early, [])

    def test_explains_a_missing_kernel(self):
        with self.assertRaises(CloveError) as ctx:
            self.client(socket_path=os.path.join(self.kernel.dir, "nope.sock")).connect()
        self.assertEqual(ctx.exception.code, ErrorCode.CLIENT_CONNECT_FAILED)
        self.assertIn("clove kernel start", ctx.exception.message)

    def test_explains_a_missing_token(self):
        os.environ["CLOVE_TOKEN_FILE"] = os.path.join(self.kernel.dir, "absent.token")
        with self.assertRaises(CloveError) as ctx:
            self.client().connect()
        self.assertEqual(ctx.exception.code, ErrorCode.CLIENT_NO_TOKEN)

    def test_uses_the_inherited_CLOVE_FD_channel_once_per_process_without_hello(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.kernel.adopt(theirs)
        os.environ.update({"CLOVE_FD": str(ours.fileno()), "CLOVE_AGENT_ID": "7", "CLOVE_AGENT_NAME": "worker",
                           "CLOVE_SOCKET": self.kernel.socket_path, "CLOVE_TOKEN": "operator-secret"})
        ours.detach()
        first = self.client(socket_path=None)
        self.assertEqual(first.echo("via fd"), "via fd")
        self.assertEqual((first.agent_id, first.agent_name, first.role), (7, "worker", "agent"))
        self.assertEqual(self.kernel.requests_for(Opcode.HELLO), [])
        second = self.client(socket_path=None)
        self.assertEqual(second.echo("via path"), "via path")
        self.assertEqual(len(self.kernel.requests_for(Opcode.HELLO)), 1)

    def test_ignores_a_CLOVE_FD_that_is_not_a_socket(self):
        r, w = os.pipe()
        self.addCleanup(os.close, r)
        self.addCleanup(os.close, w)
        os.environ.update({"CLOVE_FD": str(r), "CLOVE_SOCKET": self.kernel.socket_path})
        self.assertEqual(self.client(socket_path=None).echo("fallback"), "fallback")


class CorrelationTest(ClientTestCase):
    def test_matches_answers_that_arrive_in_reverse_order(self):
        held = []
        both = threading.Event()

        def hold(request):
            held.append(request)
            if len(held) == 2:
                both.set()
                for r in reversed(held):
                    r.reply({"message": r.payload["message"]})
            return None

        self.kernel.handlers[Opcode.NOOP] = hold
        c = self.client().connect()
        results = {}
        threads = [threading.Thread(target=lambda m=m: results.__setitem__(m, c.echo(m))) for m in ("a", "b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(5)
        self.assertTrue(both.is_set())
        self.assertEqual(results, {"a": "a", "b": "b"})

    def test_many_threads_share_one_connection_without_mixing_answers(self):
        def slow_echo(request):
            def later():
                time.sleep(0.001 * (request.request_id % 5))
                request.reply(request.payload)
            threading.Thread(target=later).start()

        self.kernel.handlers[Opcode.NOOP] = slow_echo
        c = self.client().connect()
        errors = []

        def worker(n):
            for i in range(100):
                message = "%d-%d" % (n, i)
                got = c.echo(message)
                if got != message:
                    errors.append((message, got))

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(errors, [])
        self.assertEqual(len(self.kernel.requests_for(Opcode.NOOP)), 1600)
        self.assertEqual(len(set(r.request_id for r in self.kernel.requests_for(Opcode.NOOP))), 1600)

    def test_raises_the_kernels_error_code_message_and_details(self):
        self.kernel.handlers[Opcode.KILL] = lambda r: r.error("AGENT_NOT_FOUND", "no agent 'x'", {"agent": "x"})
        c = self.client()
        with self.assertRaises(CloveError) as ctx:
            c.kill("x")
        err = ctx.exception
        self.assertEqual((err.code, err.message, err.details), ("AGENT_NOT_FOUND", "no agent 'x'", {"agent": "x"}))
        self.assertEqual(c.echo("still fine"), "still fine")

    def test_unserved_opcodes_raise_KERNEL_NOT_IMPLEMENTED(self):
        with self.assertRaises(CloveError) as ctx:
            self.client().call(0x09, {})
        self.assertEqual(ctx.exception.code, ErrorCode.NOT_IMPLEMENTED)

    def test_times_out_one_call_drops_its_late_answer_and_carries_on(self):
        def late(request):
            threading.Timer(0.3, request.reply, args=({"agents": ["late"]},)).start()

        self.kernel.handlers[Opcode.LIST] = late
        c = self.client()
        with self.assertRaises(CloveError) as ctx:
            c.with_timeout(0.05).list_agents()
        self.assertEqual(ctx.exception.code, ErrorCode.CLIENT_TIMEOUT)
        time.sleep(0.4)
        self.assertEqual(c.echo("after"), "after")

    def test_blocking_calls_wait_longer_than_the_client_timeout(self):
        def recv(request):
            threading.Timer(0.3, request.reply, args=({"message": {"id": 1, "payload": "hi"}},)).start()

        self.kernel.handlers[Opcode.RECV] = recv
        c = self.client(timeout=0.1)
        self.assertEqual(c.recv(timeout_ms=1000)["payload"], "hi")
        self.assertEqual(self.kernel.requests_for(Opcode.RECV)[0].payload, {"timeout_ms": 1000})

    def test_calls_in_flight_fail_when_the_kernel_goes_away(self):
        self.kernel.handlers[Opcode.WAIT] = lambda r: threading.Timer(0.1, r.peer.close).start()
        c = self.client()
        with self.assertRaises(CloveError) as ctx:
            c.wait("worker")
        self.assertEqual(ctx.exception.code, ErrorCode.CLIENT_DISCONNECTED)
        with self.assertRaises(CloveError):
            c.echo("gone")

    def test_a_connection_level_error_frame_becomes_the_close_reason(self):
        def malformed(request):
            request.peer.send(frame(3, 0, 0, {"code": "KERNEL_FRAME_MALFORMED", "message": "bad magic"}))
            request.peer.close()

        self.kernel.handlers[Opcode.STATUS] = malformed
        with self.assertRaises(CloveError) as ctx:
            self.client().status()
        self.assertEqual(ctx.exception.code, "KERNEL_FRAME_MALFORMED")

    def test_close_fails_calls_in_flight(self):
        self.kernel.handlers[Opcode.SLEEP] = lambda r: None
        c = self.client().connect()
        threading.Timer(0.1, c.close).start()
        with self.assertRaises(CloveError) as ctx:
            c.sleep(10000)
        self.assertEqual(ctx.exception.code, ErrorCode.CLIENT_DISCONNECTED)


class EventsTest(ClientTestCase):
    def test_pushed_events_are_buffered_and_handed_to_callbacks(self):
        def subscribe(request):
            request.reply({"subscribed": request.payload["types"]})
            request.peer.push_event({"seq": 1, "type": "CUSTOM", "time": 0, "source": 3, "data": {"n": 1}})
            return None

        self.kernel.handlers[Opcode.SUBSCRIBE] = subscribe
        c = self.client()
        seen = []
        c.on_event(seen.append)
        self.assertEqual(c.subscribe("CUSTOM", push=True), {"subscribed": ["CUSTOM"]})
        event = c.next_event(timeout=2)
        self.assertEqual(event["data"], {"n": 1})
        self.assertEqual(seen, [event])
        self.assertIsNone(c.next_event(timeout=0.05))
        self.assertEqual(self.kernel.requests_for(Opcode.SUBSCRIBE)[0].payload, {"types": ["CUSTOM"], "push": True})


class PayloadShapesTest(ClientTestCase):
    """Each method sends the wire fields of docs/protocol.md and unwraps only where documented."""

    def setUp(self):
        ClientTestCase.setUp(self)
        self.answers = {}
        for opcode in set(range(0x01, 0x100)) - {Opcode.HELLO}:
            self.kernel.handlers[opcode] = lambda r: self.answers.get(r.opcode, {})
        self.c = self.client()

    def sent(self, opcode):
        return self.kernel.requests_for(opcode)[-1].payload

    def test_spawn_makes_a_relative_script_absolute_and_translates_the_seeds_restart_fields(self):
        here = os.path.relpath(__file__)
        self.c.spawn(name="w", script=here, args=["--n", 3], limits={"memory": "64M"}, restart_policy="on-failure",
                     max_restarts=2, restart_window=60, env={"A": "1"})
        self.assertEqual(self.sent(Opcode.SPAWN), {
            "name": "w", "script": os.path.abspath(here), "sandboxed": False, "network": False,
            "limits": {"memory": "64M"}, "args": ["--n", "3"], "env": {"A": "1"},
            "restart": {"policy": "on-failure", "max_restarts": 2, "window_ms": 60000},
        })

    def test_agent_calls_accept_an_id_a_name_or_the_seeds_keywords(self):
        self.c.kill("worker", signal="SIGKILL")
        self.assertEqual(self.sent(Opcode.KILL), {"agent": "worker", "signal": "SIGKILL"})
        self.c.kill(agent_id=4)
        self.assertEqual(self.sent(Opcode.KILL), {"agent": 4})
        self.c.pause(name="w")
        self.assertEqual(self.sent(Opcode.PAUSE), {"agent": "w"})
        with self.assertRaises(TypeError):
            self.c.resume()

    def test_list_agents_and_recv_unwrap_their_answers(self):
        self.answers[Opcode.LIST] = {"agents": [{"id": 1}]}
        self.assertEqual(self.c.list_agents(all=True), [{"id": 1}])
        self.assertEqual(self.sent(Opcode.LIST), {"all": True})
        self.answers[Opcode.RECV] = {"message": None}
        self.assertIsNone(self.c.recv())
        self.assertEqual(self.sent(Opcode.RECV), {"timeout_ms": 0})

    def test_ipc_state_and_event_calls_send_their_fields(self):
        self.c.send("parser", {"task": 1})
        self.assertEqual(self.sent(Opcode.SEND), {"to": "parser", "payload": {"task": 1}})
        self.c.broadcast("hi", include_self=True)
        self.assertEqual(self.sent(Opcode.BROADCAST), {"payload": "hi", "include_self": True})
        self.c.store("k", {"v": 1}, scope="agent", ttl_ms=500)
        self.assertEqual(self.sent(Opcode.STORE), {"key": "k", "value": {"v": 1}, "scope": "agent", "ttl_ms": 500})
        self.c.store("k", None)
        self.assertEqual(self.sent(Opcode.STORE), {"key": "k", "value": None})
        self.c.fetch("k", scope="session")
        self.assertEqual(self.sent(Opcode.FETCH), {"key": "k", "scope": "session"})
        self.c.keys(prefix="pipe/")
        self.assertEqual(self.sent(Opcode.KEYS), {"prefix": "pipe/"})
        self.c.delete("k")
        self.assertEqual(self.sent(Opcode.DELETE), {"key": "k"})
        self.c.subscribe()
        self.assertEqual(self.sent(Opcode.SUBSCRIBE), {"types": ["*"]})
        self.c.subscribe("CUSTOM", push=True)
        self.assertEqual(self.sent(Opcode.SUBSCRIBE), {"types": ["CUSTOM"], "push": True})
        self.c.subscribe(["CUSTOM"], push=False)
        self.assertEqual(self.sent(Opcode.SUBSCRIBE), {"types": ["CUSTOM"], "push": False})
        self.c.poll_events(max_events=5, timeout_ms=10)
        self.assertEqual(self.sent(Opcode.POLL_EVENTS), {"max": 5, "timeout_ms": 10})
        self.c.emit_event("progress", {"pct": 50})
        self.assertEqual(self.sent(Opcode.EMIT), {"type": "CUSTOM", "name": "progress", "data": {"pct": 50}})

    def test_think_sends_prompt_or_messages_and_waits_long(self):
        self.c.think("2+2?")
        self.assertEqual(self.sent(Opcode.THINK), {"prompt": "2+2?"})
        self.c.think("q", system="be brief", max_tokens=20, model="m", temperature=0.5)
        self.assertEqual(self.sent(Opcode.THINK), {"prompt": "q", "system": "be brief", "max_tokens": 20, "model": "m",
                                                   "temperature": 0.5})
        messages = [{"role": "user", "content": "hi"}]
        self.c.think(messages=messages)
        self.assertEqual(self.sent(Opcode.THINK), {"messages": messages})

    def test_think_takes_the_seeds_keywords_tools_and_image_bytes(self):
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
        tools = [{"name": "read_file", "parameters": {"type": "object", "properties": {"path": {"type": "string"}}}}]
        self.c.think("what is this?", image=png, system_instruction="be brief", thinking_level="low", tools=tools,
                     tool_choice="auto", stop=["\n"], seed=3, world="w")
        self.assertEqual(self.sent(Opcode.THINK), {
            "prompt": "what is this?", "system_instruction": "be brief", "thinking_level": "low", "tools": tools,
            "tool_choice": "auto", "stop": ["\n"], "seed": 3, "world": "w",
            "image": {"data": base64.b64encode(png).decode("ascii"), "mime_type": "image/png"}})
        self.c.think("x", image={"data": "aGk=", "mime_type": "image/gif"})
        self.assertEqual(self.sent(Opcode.THINK)["image"], {"data": "aGk=", "mime_type": "image/gif"})
        with self.assertRaises(ValueError):
            self.c.think("x", image=b"not an image")

    def test_file_calls_send_their_fields(self):
        c = self.c
        c.read("/a.txt")
        self.assertEqual(self.sent(Opcode.READ), {"path": "/a.txt"})
        c.read("/b", encoding="base64", offset=4, length=8, world="w")
        self.assertEqual(self.sent(Opcode.READ), {"path": "/b", "encoding": "base64", "offset": 4, "length": 8,
                                                  "world": "w"})
        c.write("/a.txt", "hello")
        self.assertEqual(self.sent(Opcode.WRITE), {"path": "/a.txt", "content": "hello"})
        c.write("/bin", b"\x00\xff", mode="a", world="w")
        self.assertEqual(self.sent(Opcode.WRITE), {"path": "/bin", "content": "AP8=", "encoding": "base64", "mode": "a",
                                                   "world": "w"})
        c.stat("/a.txt")
        self.assertEqual(self.sent(Opcode.STAT), {"path": "/a.txt"})
        self.answers[Opcode.LISTDIR] = {"path": "/", "entries": [{"name": "a.txt", "type": "file", "size": 5}]}
        self.assertEqual(c.listdir("/"), [{"name": "a.txt", "type": "file", "size": 5}])
        self.assertEqual(self.sent(Opcode.LISTDIR), {"path": "/"})
        c.listdir(world="w")
        self.assertEqual(self.sent(Opcode.LISTDIR), {"path": ".", "world": "w"})
        c.unlink("/a.txt")
        self.assertEqual(self.sent(Opcode.UNLINK), {"path": "/a.txt"})
        c.unlink("/d", recursive=True)
        self.assertEqual(self.sent(Opcode.UNLINK), {"path": "/d", "recursive": True})
        c.mkdir("/d")
        self.assertEqual(self.sent(Opcode.MKDIR), {"path": "/d"})
        c.mkdir("/d/e", recursive=False)
        self.assertEqual(self.sent(Opcode.MKDIR), {"path": "/d/e", "recursive": False})

    def test_exec_http_and_permission_calls_send_their_fields(self):
        c = self.c
        c.exec("echo hi")
        self.assertEqual(self.sent(Opcode.EXEC), {"command": "echo hi"})
        c.exec(["ls", "-l"], timeout_ms=500, cwd="/tmp", env={"A": "1"}, stdin="x", max_output_bytes=100)
        self.assertEqual(self.sent(Opcode.EXEC), {"command": ["ls", "-l"], "timeout_ms": 500, "cwd": "/tmp",
                                                  "env": {"A": "1"}, "stdin": "x", "max_output_bytes": 100})
        c.exec("ls", args=["-l", 3])
        self.assertEqual(self.sent(Opcode.EXEC), {"command": ["ls", "-l", "3"]})
        c.http("https://api.example.com/x")
        self.assertEqual(self.sent(Opcode.HTTP), {"url": "https://api.example.com/x"})
        c.http("https://h/x", method="POST", headers={"a": "b"}, body={"k": 1}, timeout_ms=100, max_bytes=10, world="w")
        self.assertEqual(self.sent(Opcode.HTTP), {"url": "https://h/x", "method": "POST", "headers": {"a": "b"},
                                                  "body": {"k": 1}, "timeout_ms": 100, "max_bytes": 10, "world": "w"})
        c.http("https://h/x", method="PUT", body=b"\x01")
        self.assertEqual(self.sent(Opcode.HTTP), {"url": "https://h/x", "method": "PUT", "body": "AQ==",
                                                  "body_encoding": "base64"})
        c.get_perms()
        self.assertEqual(self.sent(Opcode.GET_PERMS), {})
        c.get_perms("worker")
        self.assertEqual(self.sent(Opcode.GET_PERMS), {"agent": "worker"})
        c.set_perms(3, "READONLY")
        self.assertEqual(self.sent(Opcode.SET_PERMS), {"agent": 3, "permissions": "READONLY"})
        c.set_perms("w", {"level": "STANDARD", "http": {"domains": ["api.example.com"]}})
        self.assertEqual(self.sent(Opcode.SET_PERMS), {"agent": "w", "permissions": {
            "level": "STANDARD", "http": {"domains": ["api.example.com"]}}})
        c.get_cgroup_metrics()
        self.assertEqual(self.sent(Opcode.METRICS_CGROUP), {})
        c.get_cgroup_metrics("w")
        self.assertEqual(self.sent(Opcode.METRICS_CGROUP), {"agent": "w"})
        c.pause(7)
        self.assertEqual(self.sent(Opcode.PAUSE), {"agent": 7})
        c.resume("w")
        self.assertEqual(self.sent(Opcode.RESUME), {"agent": "w"})

    def test_time_sleep_and_world_scoped_store_send_their_fields(self):
        c = self.c
        c.time()
        self.assertEqual(self.sent(Opcode.TIME), {})
        c.time(world="w")
        self.assertEqual(self.sent(Opcode.TIME), {"world": "w"})
        c.sleep(3600000)
        self.assertEqual(self.sent(Opcode.SLEEP), {"ms": 3600000})
        c.sleep(5, world="w")
        self.assertEqual(self.sent(Opcode.SLEEP), {"ms": 5, "world": "w"})
        c.store("k", 1, scope="world")
        self.assertEqual(self.sent(Opcode.STORE), {"key": "k", "value": 1, "scope": "world"})
        c.fetch("k", scope="world", world="w")
        self.assertEqual(self.sent(Opcode.FETCH), {"key": "k", "scope": "world", "world": "w"})
        c.keys(scope="world", world="w")
        self.assertEqual(self.sent(Opcode.KEYS), {"scope": "world", "world": "w"})
        c.delete("k", scope="world", world="w")
        self.assertEqual(self.sent(Opcode.DELETE), {"key": "k", "scope": "world", "world": "w"})

    def test_world_calls_send_what_the_kernel_reads(self):
        c = self.c
        c.world_create(source="name: w\n", file="w.yaml", name="w1", seed=7)
        self.assertEqual(self.sent(Opcode.WORLD_CREATE), {"source": "name: w\n", "file": "w.yaml", "name": "w1", "seed": 7})
        c.world_create(path="worlds/x.yaml")
        self.assertEqual(self.sent(Opcode.WORLD_CREATE), {"path": os.path.abspath("worlds/x.yaml")})
        c.world_create(config={"name": "cfg"})
        self.assertEqual(self.sent(Opcode.WORLD_CREATE), {"source": '{"name": "cfg"}'})
        c.world_destroy("w1")
        self.assertEqual(self.sent(Opcode.WORLD_DESTROY), {"world": "w1"})
        self.answers[Opcode.WORLD_LIST] = {"worlds": [{"name": "w1"}]}
        self.assertEqual(c.world_list(), [{"name": "w1"}])
        self.assertEqual(self.sent(Opcode.WORLD_LIST), {})
        c.world_join("w1")
        self.assertEqual(self.sent(Opcode.WORLD_JOIN), {"world": "w1"})
        c.world_join("w1", agent=4)
        self.assertEqual(self.sent(Opcode.WORLD_JOIN), {"world": "w1", "agent": 4})
        c.world_leave()
        self.assertEqual(self.sent(Opcode.WORLD_LEAVE), {})
        c.world_leave("a")
        self.assertEqual(self.sent(Opcode.WORLD_LEAVE), {"agent": "a"})
        c.world_event("w1", "fs.write", {"path": "/x", "content": "y"})
        self.assertEqual(self.sent(Opcode.WORLD_EVENT), {"world": "w1", "type": "fs.write",
                                                         "params": {"path": "/x", "content": "y"}})
        c.world_event("w1", "clock.jump", {"by": "1h"}, in_="30s", label="later")
        self.assertEqual(self.sent(Opcode.WORLD_EVENT), {"world": "w1", "type": "clock.jump", "params": {"by": "1h"},
                                                         "in": "30s", "label": "later"})
        c.world_event("w1", "network.outage", **{"in": 500})
        self.assertEqual(self.sent(Opcode.WORLD_EVENT), {"world": "w1", "type": "network.outage", "params": {},
                                                         "in": 500})
        c.world_state("w1")
        self.assertEqual(self.sent(Opcode.WORLD_STATE), {"world": "w1"})
        c.world_state("w1", timeline=True, requests=True, diff=True, kv=True, pending=True, limit=5)
        self.assertEqual(self.sent(Opcode.WORLD_STATE), {"world": "w1", "timeline": True, "requests": True, "diff": True,
                                                         "kv": True, "pending": True, "limit": 5})
        c.world_snapshot("w1")
        self.assertEqual(self.sent(Opcode.WORLD_SNAPSHOT), {"world": "w1"})
        c.world_snapshot("w1", path="snap.bin")
        self.assertEqual(self.sent(Opcode.WORLD_SNAPSHOT), {"world": "w1", "path": os.path.abspath("snap.bin")})
        c.world_restore(path="/tmp/snap.bin", name="fork")
        self.assertEqual(self.sent(Opcode.WORLD_RESTORE), {"path": "/tmp/snap.bin", "name": "fork"})
        c.world_restore(data_base64="AAAA", name="w1", in_place=True)
        self.assertEqual(self.sent(Opcode.WORLD_RESTORE), {"data_base64": "AAAA", "name": "w1", "in_place": True})
        c.world_restore({"world": "w1", "data_base64": "BBBB"}, name="fork2")
        self.assertEqual(self.sent(Opcode.WORLD_RESTORE), {"data_base64": "BBBB", "name": "fork2"})
        c.world_restore(snapshot={"world": "w1", "path": "/tmp/s.bin"})
        self.assertEqual(self.sent(Opcode.WORLD_RESTORE), {"path": "/tmp/s.bin"})

    def test_blocking_calls_extend_the_client_timeout(self):
        waits = []
        original = self.c._conn.request

        def spy(opcode, payload, timeout):
            if opcode != Opcode.HELLO:
                waits.append((opcode, timeout))
            return original(opcode, payload, timeout)

        self.c._conn.request = spy
        c = self.c.with_timeout(10)
        c.sleep(3600000)
        c.think("x")
        c.exec("true", timeout_ms=60000)
        c.exec("true")
        c.http("https://h/", timeout_ms=5000)
        c.time()
        self.assertEqual(waits, [(Opcode.SLEEP, 10 + 3600), (Opcode.THINK, 10 + 270), (Opcode.EXEC, 10 + 60),
                                 (Opcode.EXEC, 10 + 30), (Opcode.HTTP, 10 + 5), (Opcode.TIME, 10)])

    def test_the_seeds_method_names_still_work(self):
        self.answers[Opcode.RECV] = {"message": None}
        self.assertEqual(self.c.recv_messages(), {"messages": [], "count": 0})
        self.c.send_message({"x": 1}, to_name="reasoner")
        self.assertEqual(self.sent(Opcode.SEND), {"to": "reasoner", "payload": {"x": 1}})
        self.c.read_file("/a")
        self.assertEqual(self.sent(Opcode.READ), {"path": "/a"})
        self.c.write_file("/a", "text", mode="a")
        self.assertEqual(self.sent(Opcode.WRITE), {"path": "/a", "content": "text", "mode": "a"})
        self.c.get_permissions("w")
        self.assertEqual(self.sent(Opcode.GET_PERMS), {"agent": "w"})
        self.c.world_restore("/tmp/s.bin", name="x")
        self.assertEqual(self.sent(Opcode.WORLD_RESTORE), {"path": "/tmp/s.bin", "name": "x"})
        for method in ("get_system_metrics", "get_agent_metrics", "get_all_agent_metrics", "get_cgroup_metrics",
                       "time", "world_list", "status"):
            getattr(self.c, method)()


if __name__ == "__main__":
    unittest.main()
