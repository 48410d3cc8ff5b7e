from enum import StrEnum


class IssuedTokenKind(StrEnum):
    API_TOKEN = "api_token"

    def __str__(self) -> str:
        return str(self.value)
