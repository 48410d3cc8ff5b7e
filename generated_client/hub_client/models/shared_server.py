from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
    from ..models.name_ref import NameRef


T = TypeVar("T", bound="SharedServer")


@_attrs_define
class SharedServer:
    """The server a share gives access to.

    Example:
        {'user': {'name': 'alice'}, 'name': '', 'url': '/user/alice/', 'full_url': None, 'ready': False}

    Attributes:
        user (NameRef): A reference to a user or group by name. Example: {'name': 'alice'}.
        name (str):
        url (str):
        full_url (None | str):
        ready (bool):
    """

    user: NameRef
    name: str
    url: str
    full_url: None | str
    ready: bool

    def to_dict(self) -> dict[str, Any]:
        from ..models.name_ref import NameRef  # noqa: PLC0415

        user = self.user.to_dict()

        name = self.name

        url = self.url

        full_url: None | str
        full_url = self.full_url

        ready = self.ready

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "user": user,
                "name": name,
                "url": url,
                "full_url": full_url,
                "ready": ready,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.name_ref import NameRef  # noqa: PLC0415

        d = dict(src_dict)
        user = NameRef.from_dict(d.pop("user"))

        name = d.pop("name")

        url = d.pop("url")

        def _parse_full_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        full_url = _parse_full_url(d.pop("full_url"))

        ready = d.pop("ready")

        shared_server = cls(
            user=user,
            name=name,
            url=url,
            full_url=full_url,
            ready=ready,
        )

        return shared_server
