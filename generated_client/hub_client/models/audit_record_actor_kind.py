from enum import StrEnum


class AuditRecordActorKind(StrEnum):
    NONE = "none"
    SERVICE = "service"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
