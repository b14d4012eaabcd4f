"""State and events: the store's scopes and TTL, and the event bus (subscribe, emit, poll).

    clove agent run examples/agents/state-events/state_events.py --wait
"""

import os
import sys
import time

try:
    from clove_sdk import CloveClient
except ImportError:  # run from a checkout: use the SDK in sdk/python
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "sdk", "python"))
    from clove_sdk import CloveClient


def main():
    with CloveClient() as clove:
        prefix = "demo/%s/" % (clove.agent_name or "operator")
        clove.subscribe(["STATE_CHANGED", "CUSTOM"])

        clove.store(prefix + "greeting", "hello", scope="global")      # every client sees it
        clove.store(prefix + "counter", 1, scope="agent")              # only this agent
        clove.store(prefix + "draft", {"step": 1}, scope="session")    # only this connection
        clove.store(prefix + "flash", "gone soon", ttl_ms=200)         # expires

        for scope in ("global", "agent", "session"):
            print("%-7s keys: %s" % (scope, clove.keys(prefix=prefix, scope=scope)["keys"]))
        print("fetch greeting: %s" % clove.fetch(prefix + "greeting"))
        print("fetch counter as global: %s" % clove.fetch(prefix + "counter"))
        time.sleep(0.3)
        print("fetch flash after 300 ms: %s" % clove.fetch(prefix + "flash"))

        seq = clove.emit_event("demo.progress", {"percent": 100})["seq"]
        print("emitted CUSTOM event #%d" % seq)
        clove.delete(prefix + "greeting")

        seen = clove.poll_events(max_events=50, timeout_ms=1000)["events"]
        for event in seen:
            print("event #%d %s %s" % (event["seq"], event["type"], event["data"]))
        ok = any(e["type"] == "CUSTOM" for e in seen) and any(e["type"] == "STATE_CHANGED" for e in seen)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
