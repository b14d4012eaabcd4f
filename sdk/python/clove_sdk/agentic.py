"""The LLM agent loop in Python: ask the model (THINK with tools), run the tool calls it makes,
feed the results back, until it calls ``done``, runs out of iterations or of its token budget.
The same loop as TypeScript's ``clove/agents``.

Example::

    from clove_sdk.agentic import AgenticLoop, run_task

    with CloveClient() as client:
        result = AgenticLoop(client, max_iterations=10).run("Fix /project/config.json")
        print(result["status"], result.get("answer"))

    # As an external agent (the task in CLOVE_TASK):  python3 -m clove_sdk.agentic
"""

import json
import os
import sys

from .client import CloveClient
from .errors import CloveError

TOOL_NAMES = ("exec", "read_file", "write_file", "list_dir", "http", "done")

DEFAULT_SYSTEM_PROMPT = (
    "You are an autonomous agent working inside a Clove environment. Solve the task with the tools: "
    "inspect before you change, make the smallest change that works, and check your result. "
    "When the task is complete, call done with the answer the task asks for (if any)."
)

_RETRYABLE = ("rate_limit", "server_error", "timeout", "outage")


def _obj(properties, required=()):
    return {"type": "object", "properties": properties, "required": list(required)}


TOOLS = {
    "exec": {"name": "exec",
             "description": "Run a command in the working directory. A single string runs with /bin/sh -c; give args to "
                            "run a program directly. Returns exit_code, stdout and stderr.",
             "parameters": _obj({"command": {"type": "string"}, "args": {"type": "array", "items": {"type": "string"}},
                                 "cwd": {"type": "string"}, "timeout_ms": {"type": "integer"}}, ["command"])},
    "read_file": {"name": "read_file", "description": "Read a text file. Returns its content.",
                  "parameters": _obj({"path": {"type": "string"}}, ["path"])},
    "write_file": {"name": "write_file", "description": "Write (replace) a text file. Returns the number of bytes written.",
                   "parameters": _obj({"path": {"type": "string"}, "content": {"type": "string"}}, ["path", "content"])},
    "list_dir": {"name": "list_dir", "description": "List a directory. Returns entries with name and type (file or dir).",
                 "parameters": _obj({"path": {"type": "string"}}, ["path"])},
    "http": {"name": "http", "description": "Make one HTTP request. Returns status, headers and body.",
             "parameters": _obj({"url": {"type": "string"}, "method": {"type": "string"}, "headers": {"type": "object"},
                                 "body": {"type": "string"}}, ["url"])},
    "done": {"name": "done", "description": "Finish the task. Give the answer the task asks for (if any) and a one-line summary.",
             "parameters": _obj({"answer": {}, "summary": {"type": "string"}})},
}


def run_tool(client, name, args):
    """Runs one tool call through the kernel; returns ``(ok, result)``, errors as ``{error, message}``."""
    try:
        if name == "exec":
            command = args["command"]
            argv = args.get("args")
            r = client.exec([command] + [str(a) for a in argv] if argv else command,
                            cwd=args.get("cwd"), timeout_ms=args.get("timeout_ms"))
            return True, {"exit_code": r["exit_code"], "stdout": r["stdout"], "stderr": r["stderr"]}
        if name == "read_file":
            return True, {"content": client.read(args["path"])["content"]}
        if name == "write_file":
            return True, {"bytes": client.write(args["path"], args["content"])["written"]}
        if name == "list_dir":
            return True, {"entries": [{"name": e["name"], "type": e["type"]} for e in client.listdir(args["path"])]}
        if name == "http":
            body = args.get("body")
            r = client.http(args["url"], method=(args.get("method") or "GET").upper(), headers=args.get("headers"),
                            body=body if body is None or isinstance(body, str) else json.dumps(body))
            return True, {"status": r["status"], "headers": r["headers"], "body": r["body"]}
        return False, {"error": "UNKNOWN_TOOL", "message": "there is no tool %r (tools: %s)" % (name, ", ".join(TOOL_NAMES))}
    except CloveError as e:
        return False, {"error": e.code, "message": str(e)}
    except (KeyError, TypeError, ValueError) as e:
        return False, {"error": "BAD_ARGUMENTS", "message": "bad arguments for %s: %s" % (name, e)}


class AgenticLoop(object):
    """The loop: ``run(task)`` returns ``{status, answer?, summary?, iterations, tokens, history, steps}``
    with ``status`` ``done``, ``max_iterations``, ``token_budget`` or ``llm_failed``."""

    def __init__(self, client, system=None, tools=None, max_iterations=20, token_budget=None, model=None,
                 temperature=None, max_tokens=None, llm_retries=3, max_tool_result_chars=8000, on_step=None):
        self.client = client
        self.system = system or DEFAULT_SYSTEM_PROMPT
        self.tools = list(tools) if tools else list(TOOL_NAMES)
        self.max_iterations = max_iterations
        self.token_budget = token_budget
        self.model = model
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.llm_retries = llm_retries
        self.max_tool_result_chars = max_tool_result_chars
        self.on_step = on_step

    def tools_for(self, task):
        names = list(self.tools)
        allowed = task.get("tools") if isinstance(task, dict) else None
        if allowed:
            names = [n for n in names if n == "done" or n in allowed]
        if "done" not in names:
            names.append("done")
        return names

    def run(self, task):
        task = {"text": task} if isinstance(task, str) else dict(task)
        tools = [TOOLS[n] for n in self.tools_for(task)]
        offered = set(t["name"] for t in tools)
        history = [{"role": "system", "content": self.system}, {"role": "user", "content": task["text"]}]
        steps = []
        state = {"tokens": 0}

        def step(s):
            steps.append(s)
            if self.on_step:
                self.on_step(s)

        def end(status, iterations, **extra):
            out = {"status": status, "iterations": iterations, "tokens": state["tokens"], "history": history, "steps": steps}
            out.update(extra)
            return out

        for iteration in range(1, self.max_iterations + 1):
            if self.token_budget is not None and state["tokens"] >= self.token_budget:
                return end("token_budget", iteration - 1)
            try:
                answer = self._think(history, tools, iteration, step)
            except CloveError as e:
                return end("llm_failed", iteration, error="%s: %s" % (e.code, e))
            state["tokens"] += answer["usage"]["total_tokens"]
            calls = answer.get("tool_calls") or []
            message = {"role": "assistant", "content": answer.get("content") or None}
            if calls:
                message["tool_calls"] = calls
            history.append(message)
            step({"type": "think", "iteration": iteration, "content": answer.get("content", ""), "tool_calls": calls,
                  "tokens": answer["usage"]["total_tokens"]})
            if not calls:
                if not answer.get("content"):
                    history.pop()
                history.append({"role": "user", "content": "Continue with a tool call; call done when the task is complete."})
                continue
            for call in calls:
                args = call.get("arguments") or {}
                if call["name"] == "done":
                    history.append({"role": "tool", "tool_call_id": call["id"], "name": "done", "content": '{"ok":true}'})
                    step({"type": "tool", "iteration": iteration, "name": "done", "arguments": args, "ok": True,
                          "result": args.get("answer")})
                    extra = {}
                    if "answer" in args:
                        extra["answer"] = args["answer"]
                    if isinstance(args.get("summary"), str):
                        extra["summary"] = args["summary"]
                    return end("done", iteration, **extra)
                if call["name"] in offered:
                    ok, result = run_tool(self.client, call["name"], args)
                else:
                    ok, result = False, {"error": "UNKNOWN_TOOL",
                                         "message": "tool %r is not available here" % call["name"]}
                text = json.dumps(result, separators=(",", ":"))
                if len(text) > self.max_tool_result_chars:
                    text = text[:self.max_tool_result_chars] + "... [cut at %d characters]" % self.max_tool_result_chars
                history.append({"role": "tool", "tool_call_id": call["id"], "name": call["name"], "content": text})
                step({"type": "tool", "iteration": iteration, "name": call["name"], "arguments": args, "ok": ok,
                      "result": result})
        return end("max_iterations", self.max_iterations)

    def _think(self, history, tools, iteration, step):
        attempt = 0
        while True:
            try:
                return self.client.think(messages=history, tools=tools, tool_choice="auto", model=self.model,
                                         temperature=self.temperature, max_tokens=self.max_tokens)
            except CloveError as e:
                details = getattr(e, "details", None) or {}
                kind = details.get("kind")
                step({"type": "llm_error", "iteration": iteration, "code": e.code, "kind": kind, "message": str(e)})
                if e.code != "LLM_FAILED" or kind not in _RETRYABLE or attempt >= self.llm_retries:
                    raise
                self.client.sleep(details.get("retry_after_ms") or 1000 * 2 ** attempt)
                attempt += 1


def task_from_env(env=None):
    """The task in CLOVE_TASK: the gym's Task as JSON, or plain text."""
    raw = (env or os.environ).get("CLOVE_TASK")
    if not raw:
        raise ValueError("no task: set CLOVE_TASK (the task text, or the gym Task as JSON) or pass one")
    try:
        parsed = json.loads(raw)
    except ValueError:
        return {"text": raw}
    if isinstance(parsed, dict) and isinstance(parsed.get("text"), str):
        return parsed
    return {"text": parsed if isinstance(parsed, str) else raw}


def options_from_env(env=None):
    """Loop settings from CLOVE_AGENT_* variables (as ``clove gym play`` and bench suites set them)."""
    env = env or os.environ
    out = {}
    for var, key, conv in (("CLOVE_AGENT_MAX_ITERATIONS", "max_iterations", int), ("CLOVE_AGENT_TOKEN_BUDGET", "token_budget", int),
                           ("CLOVE_AGENT_TEMPERATURE", "temperature", float), ("CLOVE_AGENT_MAX_TOKENS", "max_tokens", int),
                           ("CLOVE_AGENT_MODEL", "model", str), ("CLOVE_AGENT_SYSTEM", "system", str)):
        if env.get(var):
            out[key] = conv(env[var])
    if env.get("CLOVE_AGENT_TOOLS"):
        out["tools"] = [t.strip() for t in env["CLOVE_AGENT_TOOLS"].split(",")]
    return out


def run_task(task=None, client=None, submit=True, **options):
    """Runs the loop on ``task`` (default: CLOVE_TASK) and, when the model calls done, submits the
    answer as a ``gym.submit`` event. Returns the run's result dict."""
    own = client is None
    client = client or CloveClient()
    try:
        result = AgenticLoop(client, **options).run(task if task is not None else task_from_env())
        if submit and result["status"] == "done":
            client.emit_event("gym.submit", {"answer": result.get("answer")})
        return result
    finally:
        if own:
            client.close()


def main():
    def show(s):
        if s["type"] == "tool":
            print("[%d] %s %s -> %s" % (s["iteration"], s["name"], json.dumps(s["arguments"])[:160], "ok" if s["ok"] else "error"))
        elif s["type"] == "llm_error":
            print("[%d] THINK failed: %s %s" % (s["iteration"], s["code"], s.get("kind") or ""))
        sys.stdout.flush()

    try:
        result = run_task(on_step=show, **options_from_env())
    except (CloveError, ValueError) as e:
        sys.stderr.write("llm-agent failed: %s\n" % e)
        return 1
    print("llm-agent: %s after %d iteration(s), %d tokens%s" % (
        result["status"], result["iterations"], result["tokens"],
        ", answer %s" % json.dumps(result["answer"]) if "answer" in result else ""))
    return 0 if result["status"] == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
