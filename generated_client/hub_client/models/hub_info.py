from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
    from ..models.class_info import ClassInfo


T = TypeVar("T", bound="HubInfo")


@_attrs_define
class HubInfo:
    """Information about the running hub.

    Example:
        {'version': '0.1.0', 'api_version': '6.1.1', 'python': '3.11.7 (main, Jan  1 2026, 00:00:00) [GCC 12.2.0]',
            'sys_executable': '/usr/bin/python3', 'spawner': {'class': 'hub.spawners.local.NativeSpawner', 'version':
            '0.1.0'}, 'authenticator': {'class': 'hub.auth.authenticators.DummyAuthenticator', 'version': '0.1.0'}}

    Attributes:
        version (str): This hub's own release number.
        python (str): The Python version (`sys.version`).
        sys_executable (str): The Python executable running the hub.
        spawner (ClassInfo): A configurable class and the version of the package that provides it. Example: {'class':
            'hub.spawners.local.NativeSpawner', 'version': '0.1.0'}.
        authenticator (ClassInfo): A configurable class and the version of the package that provides it. Example:
            {'class': 'hub.spawners.local.NativeSpawner', 'version': '0.1.0'}.
        api_version (str | Unset): The JupyterHub API version implemented.
    """

    version: str
    python: str
    sys_executable: str
    spawner: ClassInfo
    authenticator: ClassInfo
    api_version: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.class_info import ClassInfo  # noqa: PLC0415

        version = self.version

        python = self.python

        sys_executable = self.sys_executable

        spawner = self.spawner.to_dict()

        authenticator = self.authenticator.to_dict()

        api_version = self.api_version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "version": version,
                "python": python,
                "sys_executable": sys_executable,
                "spawner": spawner,
                "authenticator": authenticator,
            }
        )
        if api_version is not UNSET:
            field_dict["api_version"] = api_version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.class_info import ClassInfo  # noqa: PLC0415

        d = dict(src_dict)
        version = d.pop("version")

        python = d.pop("python")

        sys_executable = d.pop("sys_executable")

        spawner = ClassInfo.from_dict(d.pop("spawner"))

        authenticator = ClassInfo.from_dict(d.pop("authenticator"))

        api_version = d.pop("api_version", UNSET)

        hub_info = cls(
            version=version,
            python=python,
            sys_executable=sys_executable,
            spawner=spawner,
            authenticator=authenticator,
            api_version=api_version,
        )

        return hub_info
