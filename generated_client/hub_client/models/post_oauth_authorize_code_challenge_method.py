from enum import StrEnum


class PostOauthAuthorizeCodeChallengeMethod(StrEnum):
    PLAIN = "plain"
    S256 = "S256"

    def __str__(self) -> str:
        return str(self.value)
