"""The IPC pipeline: a driver spawns parser -> reasoner -> verifier, three agent processes that
pass one task along over SEND/RECV by agent name; the verifier reports back and the driver prints it.

    clove agent run examples/agents/pipeline/run_pipeline.py --wait -- "(12 + 30) * 2 - 4 / 8"
    python3 examples/agents/pipeline/run_pipeline.py    # as an operator

Run as an agent, the driver is the last hop of the route and RECVs the report. Operators have no
mailbox, so then the verifier leaves the report in the store and the driver WAITs and FETCHes it.
"""

import os
import sys
import uuid

from stage import CloveClient, WAIT_MS

HERE = os.path.dirname(os.path.abspath(__file__))
STAGES = ("parser", "reasoner", "verifier")


def main():
    task = " ".join(sys.argv[1:]) or "(12 + 30) * 2 - 4 / 8"
    run = uuid.uuid4().hex[:8]
    names = dict((stage, "%s-%s" % (stage, run)) for stage in STAGES)
    with CloveClient() as clove:
        for stage in STAGES:
            clove.spawn(name=names[stage], script=os.path.join(HERE, stage + ".py"))
        is_agent = clove.role == "agent"
        route = [names["reasoner"], names["verifier"]] + ([clove.agent_name] if is_agent else [])
        clove.send(names["parser"], {"run": run, "task": task, "route": route, "trail": []})

        if is_agent:
            message = clove.recv(timeout_ms=WAIT_MS)
            report = message and message["payload"]
        else:
            clove.wait(names["verifier"], timeout_ms=WAIT_MS)
            report = clove.fetch("pipeline/%s/report" % run).get("value")

    if not report:
        print("pipeline %s: no report (see `clove agent logs verifier-%s`)" % (run, run), file=sys.stderr)
        return 1
    print("task:     %s" % report["task"])
    print("tokens:   %s" % " ".join(report["tokens"]))
    for step in report["steps"]:
        print("step:     %s" % step)
    print("answer:   %g (verified: %s)" % (report["answer"], report["verified"]))
    print("trail:    %s" % " -> ".join(report["trail"]))
    return 0 if report["verified"] else 2


if __name__ == "__main__":
    sys.exit(main())
