"""Reference agent for crm-target-state-v1 in Python, over clove_sdk: reads the rules from the task
text (clove_sdk.task()), then deletes, patches and creates through the world's mock CRM."""
import json
import re

from clove_sdk import CloveClient, task

BASE = "https://crm.example.com/api/contacts"
JSON_HEADERS = {"content-type": "application/json"}


def main():
    text = task()["text"]
    threshold = int(re.search(r'spend" is at least (\d+)', text).group(1))
    created = json.loads(re.sub(r"\s+", " ", re.search(r"Create the contact (\{[\s\S]*?\})\.", text).group(1)))
    with CloveClient() as client:
        contacts = json.loads(client.http(BASE)["body"])
        for c in contacts:
            if c["status"] == "spam":
                client.http(f"{BASE}/{c['id']}", method="DELETE")
            elif c["status"] == "active" and c["spend"] >= threshold and c["tier"] != "gold":
                client.http(f"{BASE}/{c['id']}", method="PATCH", headers=JSON_HEADERS, body=json.dumps({"tier": "gold"}))
        client.http(BASE, method="POST", headers=JSON_HEADERS, body=json.dumps(created))
        client.submit(len(json.loads(client.http(BASE)["body"])))


if __name__ == "__main__":
    main()
