from enum import StrEnum


class PostOauthAuthorizeResponseType(StrEnum):
    CODE = "code"

    def __str__(self) -> str:
        return str(self.value)
