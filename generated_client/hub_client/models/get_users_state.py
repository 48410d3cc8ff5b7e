from enum import StrEnum


class GetUsersState(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    READY = "ready"

    def __str__(self) -> str:
        return str(self.value)
