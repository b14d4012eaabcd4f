"""The gym side of the SDK: the task of the episode an agent runs in.

Example::

    from clove_sdk import CloveClient, task

    t = task()                      # from CLOVE_TASK, set by the gym
    with CloveClient() as c:
        value = c.read("/data/input.txt")["content"]
        c.submit(value.strip())     # ends the episode (EMIT gym.submit)
"""

import json
import os

from .errors import CloveError, ErrorCode

SUBMIT_EVENT = "gym.submit"


def task(environ=None):
    """The task of this gym episode (a dict: scenario, seed, text, tools, agent, data).

    Raises :class:`CloveError` ``GYM_NO_TASK`` when the agent was not started by a gym episode.
    """
    raw = (environ if environ is not None else os.environ).get("CLOVE_TASK")
    if not raw:
        raise CloveError(ErrorCode.GYM_NO_TASK, "CLOVE_TASK is not set: this agent was not started by a gym episode "
                                        "(clove gym play, runEpisode)")
    try:
        return json.loads(raw)
    except ValueError as error:
        raise CloveError(ErrorCode.GYM_NO_TASK, "CLOVE_TASK is not valid JSON: %s" % error)
