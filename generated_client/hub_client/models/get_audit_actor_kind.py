from enum import StrEnum


class GetAuditActorKind(StrEnum):
    NONE = "none"
    SERVICE = "service"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
