"""Signed cookie values and the cookie secret (hub/auth/cookies.py)."""

import os
import stat

import pytest

from hub.auth import cookies

SECRET = bytes(range(32))


def test_a_signed_value_reads_back_until_it_is_too_old():
    signed = cookies.sign(SECRET, "login", "abc123", now=1000)
    assert cookies.unsign(SECRET, "login", signed, max_age=60, now=1030) == "abc123"
    assert cookies.unsign(SECRET, "login", signed, max_age=60, now=1061) is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda s: s.replace("abc123", "abc124"),  # another value
        lambda s: s[:-1] + ("0" if s[-1] != "0" else "1"),  # another signature
        lambda s: "abc123|999999999999|" + s.rsplit("|", 1)[1],  # another time
        lambda s: "garbage",
        lambda s: "",
    ],
)
def test_a_changed_value_is_refused(tamper):
    signed = cookies.sign(SECRET, "login", "abc123", now=1000)
    assert cookies.unsign(SECRET, "login", tamper(signed), max_age=60, now=1001) is None


def test_a_value_is_bound_to_its_cookie_name_and_secret():
    signed = cookies.sign(SECRET, "login", "abc123", now=1000)
    assert cookies.unsign(SECRET, "other", signed, max_age=60, now=1001) is None
    assert cookies.unsign(bytes(32), "login", signed, max_age=60, now=1001) is None


def test_the_secret_comes_from_config_then_the_environment_then_a_private_file(tmp_path, monkeypatch):
    path = tmp_path / "jupyterhub_cookie_secret"
    monkeypatch.delenv("JPY_COOKIE_SECRET", raising=False)
    assert cookies.load_secret("ab" * 32, str(path)) == bytes.fromhex("ab" * 32)
    monkeypatch.setenv("JPY_COOKIE_SECRET", "cd" * 32)
    assert cookies.load_secret("", str(path)) == bytes.fromhex("cd" * 32)
    monkeypatch.delenv("JPY_COOKIE_SECRET")
    created = cookies.load_secret("", str(path))
    assert len(created) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cookies.load_secret("", str(path)) == created, "the same secret after a restart"
    os.chmod(path, 0o644)
    with pytest.raises(PermissionError):
        cookies.load_secret("", str(path))
