from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.share_kind import ShareKind
from typing import cast
import datetime

if TYPE_CHECKING:
    from ..models.share_target_type_0 import ShareTargetType0
    from ..models.shared_server import SharedServer


T = TypeVar("T", bound="Share")


@_attrs_define
class Share:
    """Scopes on one server granted to one user or one group.

    Example:
        {'server': {'user': {'name': 'alice'}, 'name': '', 'url': '/user/alice/', 'full_url': None, 'ready': False},
            'scopes': ['access:servers!server=alice/'], 'user': {'name': 'bob'}, 'group': None, 'kind': 'user',
            'created_at': '2026-11-29T01:50:00.000000Z'}

    Attributes:
        server (SharedServer): The server a share gives access to. Example: {'user': {'name': 'alice'}, 'name': '',
            'url': '/user/alice/', 'full_url': None, 'ready': False}.
        scopes (list[str]):
        user (None | ShareTargetType0): The user or group a share is granted to, or null for the other kind. Example:
            {'name': 'bob'}.
        group (None | ShareTargetType0): The user or group a share is granted to, or null for the other kind. Example:
            {'name': 'bob'}.
        kind (ShareKind):
        created_at (datetime.datetime):
    """

    server: SharedServer
    scopes: list[str]
    user: None | ShareTargetType0
    group: None | ShareTargetType0
    kind: ShareKind
    created_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        from ..models.share_target_type_0 import ShareTargetType0  # noqa: PLC0415
        from ..models.shared_server import SharedServer  # noqa: PLC0415

        server = self.server.to_dict()

        scopes = self.scopes

        user: dict[str, Any] | None
        if isinstance(self.user, ShareTargetType0):
            user = self.user.to_dict()
        else:
            user = self.user

        group: dict[str, Any] | None
        if isinstance(self.group, ShareTargetType0):
            group = self.group.to_dict()
        else:
            group = self.group

        kind = self.kind.value

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "server": server,
                "scopes": scopes,
                "user": user,
                "group": group,
                "kind": kind,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.share_target_type_0 import ShareTargetType0  # noqa: PLC0415
        from ..models.shared_server import SharedServer  # noqa: PLC0415

        d = dict(src_dict)
        server = SharedServer.from_dict(d.pop("server"))

        scopes = cast(list[str], d.pop("scopes"))

        def _parse_user(data: object) -> None | ShareTargetType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_share_target_type_0 = ShareTargetType0.from_dict(data)

                return componentsschemas_share_target_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ShareTargetType0, data)

        user = _parse_user(d.pop("user"))

        def _parse_group(data: object) -> None | ShareTargetType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_share_target_type_0 = ShareTargetType0.from_dict(data)

                return componentsschemas_share_target_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ShareTargetType0, data)

        group = _parse_group(d.pop("group"))

        kind = ShareKind(d.pop("kind"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        share = cls(
            server=server,
            scopes=scopes,
            user=user,
            group=group,
            kind=kind,
            created_at=created_at,
        )

        return share
