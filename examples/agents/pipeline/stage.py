"""What the three pipeline stages share: receive one work item, add to it, pass it on.

A work item is a dict sent over SEND, addressed by agent name:
    {run, task, route: [next agent names...], trail: [stages so far], ...fields the stages add}
Each stage pops the next hop off ``route``. When the route is empty (the driver is an operator,
and operators have no mailbox) the report goes to the store under ``pipeline/<run>/report``.
"""

import os
import sys

try:
    from clove_sdk import CloveClient
except ImportError:  # run from a checkout: use the SDK in sdk/python
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "sdk", "python"))
    from clove_sdk import CloveClient

WAIT_MS = 30000


def run_stage(stage, process):
    """Runs one stage: ``process(work)`` returns the fields to add to the work item."""
    with CloveClient() as clove:
        message = clove.recv(timeout_ms=WAIT_MS)
        if message is None:
            print("%s: no work arrived within %d ms" % (stage, WAIT_MS), file=sys.stderr)
            return 1
        work = message["payload"]
        work.update(process(work))
        work["trail"].append(clove.agent_name or stage)
        if work["route"]:
            next_hop = work["route"].pop(0)
            clove.send(next_hop, work)
            print("%s: passed run %s to %s" % (stage, work["run"], next_hop))
        else:
            clove.store("pipeline/%s/report" % work["run"], work, ttl_ms=10 * 60 * 1000)
            print("%s: stored the report of run %s" % (stage, work["run"]))
    return 0
