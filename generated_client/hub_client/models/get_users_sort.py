from enum import StrEnum


class GetUsersSort(StrEnum):
    ID = "id"
    LAST_ACTIVITY = "last_activity"
    NAME = "name"
    VALUE_3 = "-id"
    VALUE_4 = "-name"
    VALUE_5 = "-last_activity"

    def __str__(self) -> str:
        return str(self.value)
