from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.server_last_error_type_0_reason import ServerLastErrorType0Reason
from typing import cast
import datetime


T = TypeVar("T", bound="ServerLastErrorType0")


@_attrs_define
class ServerLastErrorType0:
    """The server's last failed start, kept until a start succeeds (a start
    under way leaves it); null when the last start succeeded or none
    failed. Not part of JupyterHub's model.

        Example:
            {'reason': 'timeout', 'message': 'server did not start within 60 seconds', 'at': '2026-11-29T01:52:00.000000Z'}

        Attributes:
            reason (ServerLastErrorType0Reason): `timeout`: the server did not start or answer in time; `error`:
                the spawner or the server failed (the message says how);
                `cancelled`: a stop ended the start; `hub_process_lost`: the hub
                process running the start stopped and the server did not answer
                the one that took it over; `machine_lost`: no hub process was
                left on the machine the server runs on.
            message (str): What went wrong, as the user sees it.
            at (datetime.datetime): When the start failed.
    """

    reason: ServerLastErrorType0Reason
    message: str
    at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason.value

        message = self.message

        at = self.at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
                "message": message,
                "at": at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reason = ServerLastErrorType0Reason(d.pop("reason"))

        message = d.pop("message")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        server_last_error_type_0 = cls(
            reason=reason,
            message=message,
            at=at,
        )

        return server_last_error_type_0
