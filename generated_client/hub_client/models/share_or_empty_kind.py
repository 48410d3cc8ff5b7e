from enum import StrEnum


class ShareOrEmptyKind(StrEnum):
    GROUP = "group"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
