from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast


T = TypeVar("T", bound="Error")


@_attrs_define
class Error:
    """Every error answer of the API.

    Example:
        {'status': 404, 'message': 'No such user: bob'}

    Attributes:
        status (int): The HTTP status code.
        message (None | str): What went wrong, when there is something to say.
    """

    status: int
    message: None | str

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        message: None | str
        message = self.message

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "status": status,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = d.pop("status")

        def _parse_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        message = _parse_message(d.pop("message"))

        error = cls(
            status=status,
            message=message,
        )

        return error
