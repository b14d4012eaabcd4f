"""The Python SDK and example agents against the real TypeScript kernel.

Uses the kernel at ``CLOVE_TEST_SOCKET`` (operator token from ``CLOVE_TEST_TOKEN_FILE`` or the
file beside the socket) when set; otherwise starts an embedded kernel with tsx; skips when neither
is possible.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

from fake_kernel import ROOT
from clove_sdk import CloveClient, CloveError, ErrorCode

TSX = os.path.join(ROOT, "node_modules", ".bin", "tsx")
EXAMPLES = os.path.join(ROOT, "examples", "agents")
KERNEL_SOURCE = os.path.join(ROOT, "kernel", "index.ts")

_kernel = {}


def setUpModule():
    if os.environ.get("CLOVE_TEST_SOCKET"):
        path = os.environ["CLOVE_TEST_SOCKET"]
        token_file = os.environ.get("CLOVE_TEST_TOKEN_FILE") or os.path.join(os.path.dirname(path), "operator.token")
        _kernel.update(socket=path, token=open(token_file).read().strip())
        return
    if not (shutil.which("node") and os.path.exists(TSX) and os.path.exists(KERNEL_SOURCE)):
        raise unittest.SkipTest("no kernel: set CLOVE_TEST_SOCKET, or install node and npm dependencies")
    directory = tempfile.mkdtemp(prefix="clove-py-e2e-")
    script = (
        "import { startKernel } from %s;"
        "const k = await startKernel({ socketPath: %s, killGraceMs: 1000 });"
        "console.log(JSON.stringify({ socket: k.socketPath, token: k.token }));"
        "process.stdin.resume(); process.stdin.on('end', async () => { await k.close(); process.exit(0); });"
    ) % (json.dumps(KERNEL_SOURCE), json.dumps(os.path.join(directory, "k.sock")))
    runner = os.path.join(directory, "kernel.mts")
    with open(runner, "w") as f:
        f.write(script)
    process = subprocess.Popen([TSX, runner], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line:
        process.wait(10)
        process.stdin.close()
        process.stdout.close()
        shutil.rmtree(directory, ignore_errors=True)
        raise unittest.SkipTest("the embedded kernel did not start (exit %s)" % process.returncode)
    info = json.loads(line)
    _kernel.update(socket=info["socket"], token=info["token"], process=process, dir=directory)


def tearDownModule():
    process = _kernel.get("process")
    if process is not None:
        process.stdin.close()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        shutil.rmtree(_kernel["dir"], ignore_errors=True)


class KernelTestCase(unittest.TestCase):
    def client(self, **kw):
        c = CloveClient(socket_path=_kernel["socket"], token=_kernel["token"], **kw).connect()
        self.addCleanup(c.close)
        return c

    def run_agent(self, c, script, args=(), timeout_ms=30000):
        agent = c.spawn(script=script, args=list(args))
        done = c.wait(agent["id"], timeout_ms=timeout_ms)
        lines = [line["text"] for line in c.logs(agent["id"])["lines"]]
        return done, lines


class SyscallsTest(KernelTestCase):
    def test_hello_echo_and_status(self):
        c = self.client()
        self.assertEqual(c.role, "operator")
        self.assertEqual(c.echo("hé"), "hé")
        self.assertEqual(c.hello()["protocol"], 1)
        self.assertEqual(c.status()["protocol"], 1)

    def test_agents_lifecycle_logs_and_typed_errors(self):
        c = self.client()
        done, lines = self.run_agent(c, os.path.join(EXAMPLES, "hello", "hello.py"), ["from", "e2e"])
        self.assertEqual((done["state"], done["exit_code"]), ("exited", 0))
        self.assertTrue(any("kernel echoed 'from e2e'" in line for line in lines), lines)
        self.assertIn(done["id"], [a["id"] for a in c.list_agents(all=True)])
        with self.assertRaises(CloveError) as ctx:
            c.kill("nobody-%d" % os.getpid())
        self.assertEqual(ctx.exception.code, ErrorCode.AGENT_NOT_FOUND)

    def test_store_scopes_and_events(self):
        c = self.client()
        key = "py-e2e/%d" % os.getpid()
        c.subscribe(["STATE_CHANGED"])
        self.assertEqual(c.store(key, {"n": 1}, scope="session"), {"stored": True})
        self.assertEqual(c.fetch(key, scope="session"), {"found": True, "value": {"n": 1}})
        self.assertFalse(c.fetch(key)["found"])
        self.assertEqual(c.keys(prefix=key, scope="session")["keys"], [key])
        self.assertTrue(c.delete(key, scope="session")["deleted"])
        events = c.poll_events(timeout_ms=1000)["events"]
        self.assertEqual([e["data"]["op"] for e in events if e["data"].get("key") == key], ["store", "delete"])

    def test_pushed_events_arrive_on_the_connection(self):
        c = self.client()
        c.subscribe("CUSTOM", push=True)
        seq = c.emit_event("py.e2e", {"n": 2})["seq"]
        event = c.next_event(timeout=5)
        self.assertEqual((event["seq"], event["type"], event["data"]), (seq, "CUSTOM", {"name": "py.e2e", "n": 2}))

    def test_operators_have_no_mailbox_and_metrics_answer(self):
        c = self.client()
        with self.assertRaises(CloveError) as ctx:
            c.recv()
        self.assertEqual(ctx.exception.code, ErrorCode.FORBIDDEN)
        self.assertIn("cpu", c.get_system_metrics())
        self.assertIn("agents", c.get_all_agent_metrics())

    def test_unassigned_opcodes_raise_not_implemented(self):
        c = self.client()
        for call in (lambda: c.call(0x09, {}), lambda: c.call(0xFE)):
            with self.assertRaises(CloveError) as ctx:
                call()
            self.assertEqual(ctx.exception.code, ErrorCode.NOT_IMPLEMENTED)

    def test_concurrent_calls_from_threads_are_never_mixed_up(self):
        c = self.client()
        wrong = []

        def worker(n):
            for i in range(200):
                message = {"n": n, "i": i}
                if c.call(0x00, message) != message:
                    wrong.append(message)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(wrong, [])


class ExampleAgentsTest(KernelTestCase):
    def test_the_pipeline_driver_as_an_agent_gets_the_verified_report_over_recv(self):
        c = self.client()
        done, lines = self.run_agent(c, os.path.join(EXAMPLES, "pipeline", "run_pipeline.py"), ["(1 + 2) * 4"])
        self.assertEqual(done["exit_code"], 0, lines)
        self.assertIn("answer:   12 (verified: True)", lines)

    def test_the_pipeline_driver_as_an_operator_reads_the_report_from_the_store(self):
        env = dict(os.environ, CLOVE_SOCKET=_kernel["socket"], CLOVE_TOKEN=_kernel["token"])
        for name in ("CLOVE_FD", "CLOVE_AGENT_ID", "CLOVE_AGENT_NAME"):
            env.pop(name, None)
        out = subprocess.run([sys.executable, os.path.join(EXAMPLES, "pipeline", "run_pipeline.py"), "10 / 4"],
                             env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("answer:   2.5 (verified: True)", out.stdout)

    def test_state_events_sees_its_own_changes(self):
        c = self.client()
        done, lines = self.run_agent(c, os.path.join(EXAMPLES, "state-events", "state_events.py"))
        self.assertEqual(done["exit_code"], 0, lines)
        self.assertTrue(any("CUSTOM" in line and "demo.progress" in line for line in lines), lines)


if __name__ == "__main__":
    unittest.main()
