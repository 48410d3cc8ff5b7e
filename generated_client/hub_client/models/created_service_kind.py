from enum import StrEnum


class CreatedServiceKind(StrEnum):
    SERVICE = "service"

    def __str__(self) -> str:
        return str(self.value)
