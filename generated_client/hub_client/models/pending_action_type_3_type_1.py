from enum import StrEnum


class PendingActionType3Type1(StrEnum):
    CHECK = "check"
    RENAME = "rename"
    SPAWN = "spawn"
    STOP = "stop"

    def __str__(self) -> str:
        return str(self.value)
