from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.pending_action import PendingAction
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
    from ..models.server_last_error_type_0 import ServerLastErrorType0
    from ..models.server_state_type_0 import ServerStateType0
    from ..models.server_user_options_type_0 import ServerUserOptionsType0


T = TypeVar("T", bound="Server")


@_attrs_define
class Server:
    """One of a user's servers. `state` is present only with `admin:server_state`.

    Example:
        {'name': '', 'display_name': '', 'full_name': 'alice/', 'ready': True, 'pending': None, 'stopped': False, 'url':
            '/user/alice/', 'progress_url': '/hub/api/users/alice/server/progress', 'full_url': None, 'full_progress_url':
            None, 'started': '2026-11-29T01:51:33.393829Z', 'last_activity': '2026-11-29T01:52:00.000000Z', 'user_options':
            {}}

    Attributes:
        name (str): The server's name; `""` for the default server.
        ready (bool): Running with no transition pending.
        pending (None | PendingAction): The transition under way, or null when none.
        stopped (bool): Neither ready nor pending.
        url (str): The URL path of the server.
        progress_url (str): The URL path of its progress stream.
        started (datetime.datetime | None): When the server last started.
        last_activity (datetime.datetime | None): Last activity seen on the server.
        display_name (str | Unset): A name for people.
        full_name (str | Unset): `<user>/<server name>`.
        full_url (None | str | Unset): The absolute URL when the hub knows its public URL.
        full_progress_url (None | str | Unset): The absolute progress URL when the hub knows its public URL.
        user_options (None | ServerUserOptionsType0 | Unset): Options of the last start.
        state (None | ServerStateType0 | Unset): The spawner's state.
        last_error (None | ServerLastErrorType0 | Unset): The server's last failed start, kept until a start succeeds (a
            start
            under way leaves it); null when the last start succeeded or none
            failed. Not part of JupyterHub's model.
             Example: {'reason': 'timeout', 'message': 'server did not start within 60 seconds', 'at':
            '2026-11-29T01:52:00.000000Z'}.
    """

    name: str
    ready: bool
    pending: None | PendingAction
    stopped: bool
    url: str
    progress_url: str
    started: datetime.datetime | None
    last_activity: datetime.datetime | None
    display_name: str | Unset = UNSET
    full_name: str | Unset = UNSET
    full_url: None | str | Unset = UNSET
    full_progress_url: None | str | Unset = UNSET
    user_options: None | ServerUserOptionsType0 | Unset = UNSET
    state: None | ServerStateType0 | Unset = UNSET
    last_error: None | ServerLastErrorType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.server_last_error_type_0 import ServerLastErrorType0  # noqa: PLC0415
        from ..models.server_state_type_0 import ServerStateType0  # noqa: PLC0415
        from ..models.server_user_options_type_0 import ServerUserOptionsType0  # noqa: PLC0415

        name = self.name

        ready = self.ready

        pending: None | str
        if isinstance(self.pending, PendingAction):
            pending = self.pending.value
        else:
            pending = self.pending

        stopped = self.stopped

        url = self.url

        progress_url = self.progress_url

        started: None | str
        if isinstance(self.started, datetime.datetime):
            started = self.started.isoformat()
        else:
            started = self.started

        last_activity: None | str
        if isinstance(self.last_activity, datetime.datetime):
            last_activity = self.last_activity.isoformat()
        else:
            last_activity = self.last_activity

        display_name = self.display_name

        full_name = self.full_name

        full_url: None | str | Unset
        if isinstance(self.full_url, Unset):
            full_url = UNSET
        else:
            full_url = self.full_url

        full_progress_url: None | str | Unset
        if isinstance(self.full_progress_url, Unset):
            full_progress_url = UNSET
        else:
            full_progress_url = self.full_progress_url

        user_options: dict[str, Any] | None | Unset
        if isinstance(self.user_options, Unset):
            user_options = UNSET
        elif isinstance(self.user_options, ServerUserOptionsType0):
            user_options = self.user_options.to_dict()
        else:
            user_options = self.user_options

        state: dict[str, Any] | None | Unset
        if isinstance(self.state, Unset):
            state = UNSET
        elif isinstance(self.state, ServerStateType0):
            state = self.state.to_dict()
        else:
            state = self.state

        last_error: dict[str, Any] | None | Unset
        if isinstance(self.last_error, Unset):
            last_error = UNSET
        elif isinstance(self.last_error, ServerLastErrorType0):
            last_error = self.last_error.to_dict()
        else:
            last_error = self.last_error

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "ready": ready,
                "pending": pending,
                "stopped": stopped,
                "url": url,
                "progress_url": progress_url,
                "started": started,
                "last_activity": last_activity,
            }
        )
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if full_name is not UNSET:
            field_dict["full_name"] = full_name
        if full_url is not UNSET:
            field_dict["full_url"] = full_url
        if full_progress_url is not UNSET:
            field_dict["full_progress_url"] = full_progress_url
        if user_options is not UNSET:
            field_dict["user_options"] = user_options
        if state is not UNSET:
            field_dict["state"] = state
        if last_error is not UNSET:
            field_dict["last_error"] = last_error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.server_last_error_type_0 import ServerLastErrorType0  # noqa: PLC0415
        from ..models.server_state_type_0 import ServerStateType0  # noqa: PLC0415
        from ..models.server_user_options_type_0 import ServerUserOptionsType0  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        ready = d.pop("ready")

        def _parse_pending(data: object) -> None | PendingAction:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                pending_type_0 = PendingAction(data)

                return pending_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PendingAction, data)

        pending = _parse_pending(d.pop("pending"))

        stopped = d.pop("stopped")

        url = d.pop("url")

        progress_url = d.pop("progress_url")

        def _parse_started(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_type_0 = datetime.datetime.fromisoformat(data)

                return started_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started = _parse_started(d.pop("started"))

        def _parse_last_activity(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_activity_type_0 = datetime.datetime.fromisoformat(data)

                return last_activity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_activity = _parse_last_activity(d.pop("last_activity"))

        display_name = d.pop("display_name", UNSET)

        full_name = d.pop("full_name", UNSET)

        def _parse_full_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        full_url = _parse_full_url(d.pop("full_url", UNSET))

        def _parse_full_progress_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        full_progress_url = _parse_full_progress_url(d.pop("full_progress_url", UNSET))

        def _parse_user_options(data: object) -> None | ServerUserOptionsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                user_options_type_0 = ServerUserOptionsType0.from_dict(data)

                return user_options_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ServerUserOptionsType0 | Unset, data)

        user_options = _parse_user_options(d.pop("user_options", UNSET))

        def _parse_state(data: object) -> None | ServerStateType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                state_type_0 = ServerStateType0.from_dict(data)

                return state_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ServerStateType0 | Unset, data)

        state = _parse_state(d.pop("state", UNSET))

        def _parse_last_error(data: object) -> None | ServerLastErrorType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_server_last_error_type_0 = ServerLastErrorType0.from_dict(data)

                return componentsschemas_server_last_error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ServerLastErrorType0 | Unset, data)

        last_error = _parse_last_error(d.pop("last_error", UNSET))

        server = cls(
            name=name,
            ready=ready,
            pending=pending,
            stopped=stopped,
            url=url,
            progress_url=progress_url,
            started=started,
            last_activity=last_activity,
            display_name=display_name,
            full_name=full_name,
            full_url=full_url,
            full_progress_url=full_progress_url,
            user_options=user_options,
            state=state,
            last_error=last_error,
        )

        return server
