from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset


T = TypeVar("T", bound="ProgressEvent")


@_attrs_define
class ProgressEvent:
    """One event of a progress stream.

    Example:
        {'progress': 100, 'ready': True, 'message': 'Server ready at /user/alice/', 'url': '/user/alice/'}

    Attributes:
        progress (int | Unset):
        message (str | Unset):
        html_message (str | Unset):
        ready (bool | Unset):
        failed (bool | Unset):
        url (str | Unset):
    """

    progress: int | Unset = UNSET
    message: str | Unset = UNSET
    html_message: str | Unset = UNSET
    ready: bool | Unset = UNSET
    failed: bool | Unset = UNSET
    url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        progress = self.progress

        message = self.message

        html_message = self.html_message

        ready = self.ready

        failed = self.failed

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if progress is not UNSET:
            field_dict["progress"] = progress
        if message is not UNSET:
            field_dict["message"] = message
        if html_message is not UNSET:
            field_dict["html_message"] = html_message
        if ready is not UNSET:
            field_dict["ready"] = ready
        if failed is not UNSET:
            field_dict["failed"] = failed
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        progress = d.pop("progress", UNSET)

        message = d.pop("message", UNSET)

        html_message = d.pop("html_message", UNSET)

        ready = d.pop("ready", UNSET)

        failed = d.pop("failed", UNSET)

        url = d.pop("url", UNSET)

        progress_event = cls(
            progress=progress,
            message=message,
            html_message=html_message,
            ready=ready,
            failed=failed,
            url=url,
        )

        progress_event.additional_properties = d
        return progress_event

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
