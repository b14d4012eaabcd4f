"""summarise: an agent that works inside a world. It reads the task from the world's files (plain
file I/O: the agent runs in the world's tree), fetches the todos from the world's mock API
(retrying the failures the world injects), writes a summary back, and waits a virtual minute.

    clove world create worlds/examples/flaky-api.yaml
    clove agent run examples/agents/world/summarise.py --world flaky-api --wait
    clove world diff flaky-api        # A /project/out/summary.txt
"""

import json

from clove_sdk import CloveClient, CloveError


def main():
    with CloveClient() as clove:
        with open("project/README.md") as f:  # the world's tree is the working directory
            print("task: %s" % f.read().split("\n")[1])
        todos = []
        for attempt in range(1, 6):
            try:
                res = clove.http("https://api.example.com/todos")
                if res["status"] == 200:
                    todos = json.loads(res["body"])
                    break
                print("attempt %d: HTTP %d" % (attempt, res["status"]))
            except CloveError as e:
                print("attempt %d: %s" % (attempt, e.code))
            clove.sleep(1000 * attempt)
        open_titles = [t["title"] for t in todos if not t["done"]]
        with open("project/out/summary.txt", "w") as f:
            f.write("%d todos, %d open: %s\n" % (len(todos), len(open_titles), ", ".join(open_titles)))
        before = clove.time()["now_ms"]
        clove.sleep(60000)
        after = clove.time()["now_ms"]
        print("wrote /project/out/summary.txt: %d open; slept %d ms of world time" % (len(open_titles), after - before))


if __name__ == "__main__":
    main()
