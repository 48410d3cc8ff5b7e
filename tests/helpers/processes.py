"""Whether an operating-system process still runs."""

from __future__ import annotations


def running(pid: int) -> bool:
    """Whether process ``pid`` runs.

    A zombie has ended: it only waits for its parent (often another hub
    process or test worker) to collect its exit status.
    """
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return False
    fields = stat.rsplit(")", 1)[-1].split()
    return bool(fields) and fields[0] != "Z"
