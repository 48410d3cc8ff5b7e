from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.o_auth_token_response_token_type import OAuthTokenResponseTokenType


T = TypeVar("T", bound="OAuthTokenResponse")


@_attrs_define
class OAuthTokenResponse:
    """An issued access token.

    Example:
        {'access_token': 'abcdefghijklmnopqrstuvwxyz0123', 'token_type': 'Bearer', 'expires_in': 1209600, 'scope':
            'read:users:name!user=alice'}

    Attributes:
        access_token (str):
        token_type (OAuthTokenResponseTokenType):
        expires_in (int):
        scope (str):
    """

    access_token: str
    token_type: OAuthTokenResponseTokenType
    expires_in: int
    scope: str

    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        token_type = self.token_type.value

        expires_in = self.expires_in

        scope = self.scope

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "access_token": access_token,
                "token_type": token_type,
                "expires_in": expires_in,
                "scope": scope,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        access_token = d.pop("access_token")

        token_type = OAuthTokenResponseTokenType(d.pop("token_type"))

        expires_in = d.pop("expires_in")

        scope = d.pop("scope")

        o_auth_token_response = cls(
            access_token=access_token,
            token_type=token_type,
            expires_in=expires_in,
            scope=scope,
        )

        return o_auth_token_response
