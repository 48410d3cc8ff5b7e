from enum import StrEnum


class GroupKind(StrEnum):
    GROUP = "group"

    def __str__(self) -> str:
        return str(self.value)
