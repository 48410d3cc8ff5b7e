from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
    from ..models.token import Token


T = TypeVar("T", bound="TokenList")


@_attrs_define
class TokenList:
    """A user's tokens.

    Example:
        {'api_tokens': []}

    Attributes:
        api_tokens (list[Token]):
    """

    api_tokens: list[Token]

    def to_dict(self) -> dict[str, Any]:
        from ..models.token import Token  # noqa: PLC0415

        api_tokens = []
        for api_tokens_item_data in self.api_tokens:
            api_tokens_item = api_tokens_item_data.to_dict()
            api_tokens.append(api_tokens_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "api_tokens": api_tokens,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.token import Token  # noqa: PLC0415

        d = dict(src_dict)
        api_tokens = []
        _api_tokens = d.pop("api_tokens")
        for api_tokens_item_data in _api_tokens:
            api_tokens_item = Token.from_dict(api_tokens_item_data)

            api_tokens.append(api_tokens_item)

        token_list = cls(
            api_tokens=api_tokens,
        )

        return token_list
