from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.share_or_empty_kind import ShareOrEmptyKind
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
    from ..models.share_target_type_0 import ShareTargetType0
    from ..models.shared_server import SharedServer


T = TypeVar("T", bound="ShareOrEmpty")


@_attrs_define
class ShareOrEmpty:
    """A share, or an empty object when nothing remains of it.

    Example:
        {}

    Attributes:
        server (SharedServer | Unset): The server a share gives access to. Example: {'user': {'name': 'alice'}, 'name':
            '', 'url': '/user/alice/', 'full_url': None, 'ready': False}.
        scopes (list[str] | Unset):
        user (None | ShareTargetType0 | Unset): The user or group a share is granted to, or null for the other kind.
            Example: {'name': 'bob'}.
        group (None | ShareTargetType0 | Unset): The user or group a share is granted to, or null for the other kind.
            Example: {'name': 'bob'}.
        kind (ShareOrEmptyKind | Unset):
        created_at (datetime.datetime | Unset):
    """

    server: SharedServer | Unset = UNSET
    scopes: list[str] | Unset = UNSET
    user: None | ShareTargetType0 | Unset = UNSET
    group: None | ShareTargetType0 | Unset = UNSET
    kind: ShareOrEmptyKind | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.share_target_type_0 import ShareTargetType0  # noqa: PLC0415
        from ..models.shared_server import SharedServer  # noqa: PLC0415

        server: dict[str, Any] | Unset = UNSET
        if not isinstance(self.server, Unset):
            server = self.server.to_dict()

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        user: dict[str, Any] | None | Unset
        if isinstance(self.user, Unset):
            user = UNSET
        elif isinstance(self.user, ShareTargetType0):
            user = self.user.to_dict()
        else:
            user = self.user

        group: dict[str, Any] | None | Unset
        if isinstance(self.group, Unset):
            group = UNSET
        elif isinstance(self.group, ShareTargetType0):
            group = self.group.to_dict()
        else:
            group = self.group

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if server is not UNSET:
            field_dict["server"] = server
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if user is not UNSET:
            field_dict["user"] = user
        if group is not UNSET:
            field_dict["group"] = group
        if kind is not UNSET:
            field_dict["kind"] = kind
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.share_target_type_0 import ShareTargetType0  # noqa: PLC0415
        from ..models.shared_server import SharedServer  # noqa: PLC0415

        d = dict(src_dict)
        _server = d.pop("server", UNSET)
        server: SharedServer | Unset
        if isinstance(_server, Unset):
            server = UNSET
        else:
            server = SharedServer.from_dict(_server)

        scopes = cast(list[str], d.pop("scopes", UNSET))

        def _parse_user(data: object) -> None | ShareTargetType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_share_target_type_0 = ShareTargetType0.from_dict(data)

                return componentsschemas_share_target_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ShareTargetType0 | Unset, data)

        user = _parse_user(d.pop("user", UNSET))

        def _parse_group(data: object) -> None | ShareTargetType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_share_target_type_0 = ShareTargetType0.from_dict(data)

                return componentsschemas_share_target_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ShareTargetType0 | Unset, data)

        group = _parse_group(d.pop("group", UNSET))

        _kind = d.pop("kind", UNSET)
        kind: ShareOrEmptyKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = ShareOrEmptyKind(_kind)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        share_or_empty = cls(
            server=server,
            scopes=scopes,
            user=user,
            group=group,
            kind=kind,
            created_at=created_at,
        )

        return share_or_empty
