from enum import StrEnum


class UserKind(StrEnum):
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
