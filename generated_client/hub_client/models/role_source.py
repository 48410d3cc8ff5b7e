from enum import StrEnum


class RoleSource(StrEnum):
    API = "api"
    AUTHENTICATOR = "authenticator"
    CONFIG = "config"
    HUB = "hub"

    def __str__(self) -> str:
        return str(self.value)
