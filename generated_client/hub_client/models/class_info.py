from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset


T = TypeVar("T", bound="ClassInfo")


@_attrs_define
class ClassInfo:
    """A configurable class and the version of the package that provides it.

    Example:
        {'class': 'hub.spawners.local.NativeSpawner', 'version': '0.1.0'}

    Attributes:
        class_ (str): Import path of the class.
        version (str): The providing package's version, or `unknown`.
    """

    class_: str
    version: str

    def to_dict(self) -> dict[str, Any]:
        class_ = self.class_

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "class": class_,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        class_ = d.pop("class")

        version = d.pop("version")

        class_info = cls(
            class_=class_,
            version=version,
        )

        return class_info
