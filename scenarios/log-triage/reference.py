"""Reference agent for log-triage-v1 in Python, over clove_sdk (runs as an external agent process)."""
import json
import re

from clove_sdk import CloveClient

LINE = re.compile(r"^(\S+) ERROR \[([\w-]+)\] req=(\w+) ")


def main():
    with CloveClient() as client:
        by_request = {}
        for entry in client.listdir("/var/log/app"):
            if entry.get("type") != "file":
                continue
            for line in client.read(f"/var/log/app/{entry['name']}")["content"].split("\n"):
                m = LINE.match(line)
                if m:
                    by_request.setdefault(m.group(3), []).append((m.group(1), m.group(2)))
        request_id, errors = max(by_request.items(), key=lambda kv: len(kv[1]))
        first_service = min(errors)[1]
        client.write("/out/triage.json", json.dumps({"request_id": request_id, "first_service": first_service, "errors": len(errors)}))
        client.submit(request_id)


if __name__ == "__main__":
    main()
