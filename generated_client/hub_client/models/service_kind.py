from enum import StrEnum


class ServiceKind(StrEnum):
    SERVICE = "service"

    def __str__(self) -> str:
        return str(self.value)
