from enum import StrEnum


class PendingAction(StrEnum):
    CHECK = "check"
    RENAME = "rename"
    SPAWN = "spawn"
    STOP = "stop"

    def __str__(self) -> str:
        return str(self.value)
