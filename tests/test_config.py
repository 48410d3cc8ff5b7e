"""Configuration files mean what they mean in JupyterHub."""

import logging

import pytest
from traitlets.config import Config

from hub.config import load_config, warn_unknown
from tests.conftest import assert_start_fails


def test_unknown_keys_and_sections_warn(tmp_path, caplog):
    path = tmp_path / "jupyterhub_config.py"
    path.write_text(
        "c.JupyterHub.api_tokens = {'secret-token': 'alice'}\n"
        "c.JupyterHub.no_such_option = 1\n"
        "c.Authenticator.admin_users = {'alice'}\n"
        "c.KubeSpawner.image = 'x'\n"
        "c.Spawner.cmd = ['jupyterhub-singleuser']\n"
    )
    with caplog.at_level(logging.WARNING, logger="hub.config"):
        config = load_config(str(path))
    messages = [r.getMessage() for r in caplog.records]
    assert "Config option JupyterHub.no_such_option is not recognized; ignored" in messages
    assert "Config section KubeSpawner is not used by this hub; ignored" in messages
    assert len(messages) == 2
    assert config.JupyterHub.api_tokens == {"secret-token": "alice"}


def test_known_config_gives_no_warnings():
    c = Config()
    c.JupyterHub.db_url = "sqlite:///x.sqlite"
    c.JupyterHub.load_roles = []
    c.Authenticator.allowed_users = {"a"}
    c.Spawner.args = ["--allow-root"]
    assert warn_unknown(c) == []


def test_admin_and_allowed_users_are_created(make_hub):
    def configure(c):
        c.Authenticator.admin_users = {"admin", "Root"}
        c.Authenticator.allowed_users = {"alice"}

    api = make_hub(configure)
    users = {u["name"]: u for u in api.get("/users").json()}
    assert set(users) == {"admin", "root", "alice"}
    assert users["root"]["admin"] is True and users["alice"]["admin"] is False


def test_load_roles_membership_is_exact(make_hub):
    def with_role(members):
        def configure(c):
            c.JupyterHub.load_roles = [{"name": "auditor", "scopes": ["read:users"], "users": members}]

        return configure

    api = make_hub(with_role(["alice", "bob"]))
    assert "auditor" in api.get("/users/bob").json()["roles"]
    api = make_hub(with_role(["alice"]))
    assert "auditor" not in api.get("/users/bob").json()["roles"]
    assert "auditor" in api.get("/users/alice").json()["roles"]


def test_roles_dropped_from_config_are_deleted(make_hub):
    make_hub(
        lambda c: setattr(c.JupyterHub, "load_roles", [{"name": "temp", "scopes": [], "users": ["alice"]}])
    )
    api = make_hub()
    assert api.get("/users/alice").json()["roles"] == ["user"]


def test_invalid_role_config_stops_the_hub(db_url):
    for roles in (
        [{"name": "x!", "scopes": []}],
        [{"name": "ok-name", "scopes": ["not-a-scope"]}],
        [{"name": "admin", "scopes": ["read:users"]}],
        [{"name": "svc-role", "scopes": [], "services": ["missing"]}],
    ):
        c = Config()
        c.JupyterHub.db_url = db_url
        c.JupyterHub.load_roles = roles
        assert_start_fails(c)


def test_load_groups_adds_members_and_sets_properties(make_hub):
    def configure(c):
        c.JupyterHub.load_groups = {
            "staff": {"users": ["alice"], "properties": {"k": "v"}},
            "legacy": ["bob"],
        }

    api = make_hub(configure)
    api.post("/groups/staff/users", json={"users": ["bob"]})
    api = make_hub(configure)  # a restart only adds: bob stays
    staff = api.get("/groups/staff").json()
    assert staff["users"] == ["alice", "bob"] and staff["properties"] == {"k": "v"}
    assert api.get("/groups/legacy").json()["users"] == ["bob"]


def test_user_role_extension_reaches_every_user(make_hub):
    def configure(c):
        c.JupyterHub.load_roles = [{"name": "user", "scopes": ["self", "list:users"]}]

    api = make_hub(configure)
    api.post("/users", json={"usernames": ["alice"]})
    token = api.new_token("alice")
    assert api.get("/users", token=token).status_code == 200


def test_bind_url_path_sets_the_prefix(make_hub):
    api = make_hub(lambda c: setattr(c.JupyterHub, "bind_url", "http://127.0.0.1:8000/jh/"))
    assert api.client.get("/jh/hub/api/").status_code == 200
    assert api.client.get("/hub/api/").status_code == 404
    api.prefix = "/jh/hub/api"
    api.post("/users", json={"usernames": ["alice"]})
    server = api.get("/users/alice", params={"include_stopped_servers": "1"}).json()["servers"][""]
    assert server["url"] == "/jh/user/alice/"
    assert server["progress_url"] == "/jh/hub/api/users/alice/server/progress"


def test_plugin_classes_are_found_as_jupyterhub_finds_them():
    from hub.auth.authenticators import SHORT_NAMES, DummyAuthenticator
    from hub.plugins.loader import PluginLoadError, is_jupyterhub_plugin, resolve_class

    def find(value):
        return resolve_class(value, "authenticator", SHORT_NAMES)

    assert find("dummy") is DummyAuthenticator, "native short names first"
    assert find(DummyAuthenticator) is DummyAuthenticator
    assert find("hub.auth.authenticators:DummyAuthenticator") is DummyAuthenticator
    # an entry point that only JupyterHub's package registers
    shared = find("shared-password")
    assert shared.__name__ == "SharedPasswordAuthenticator"
    assert is_jupyterhub_plugin(shared, "authenticator")
    assert not is_jupyterhub_plugin(DummyAuthenticator, "authenticator")
    for bad, message in [
        ("no-such-name", "no such short name"),
        ("no_such_module.Thing", "cannot import no_such_module"),
        ("hub.auth.authenticators.Nothing", "has no Nothing"),
        ("hub.auth.authenticators.SHORT_NAMES", "is not a class"),
        ("", "must be a class"),
    ]:
        with pytest.raises(PluginLoadError, match=message):
            find(bad)


def test_a_plugin_class_reads_its_own_sections(tmp_path, caplog):
    path = tmp_path / "jupyterhub_config.py"
    path.write_text(
        "c.JupyterHub.authenticator_class = 'shared-password'\n"
        "c.SharedPasswordAuthenticator.user_password = 'x' * 16\n"
        "c.SharedPasswordAuthenticator.no_such_key = 1\n"
        "c.Authenticator.admin_users = {'alice'}\n"
    )
    with caplog.at_level(logging.WARNING, logger="hub.config"):
        load_config(str(path))
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["Config option SharedPasswordAuthenticator.no_such_key is not recognized; ignored"]


def test_a_class_that_does_not_import_stops_the_hub_with_a_message(tmp_path, capsys):
    from hub.cli import main

    path = tmp_path / "jupyterhub_config.py"
    path.write_text(
        f"c.JupyterHub.spawner_class = 'no_such_package.Spawner'\nc.JupyterHub.db_url = 'sqlite:///{tmp_path}/x.sqlite'\n"
    )
    assert main(["-f", str(path), "upgrade-db"]) in (0, 1)
    assert main(["-f", str(path), "token", "admin"]) == 1
    assert (
        "c.JupyterHub.spawner_class = 'no_such_package.Spawner': cannot import no_such_package"
        in capsys.readouterr().err
    )


def test_proxy_class_names_this_hubs_proxy_or_a_jupyterhub_proxy_class(tmp_path, caplog):
    from traitlets.config import Config

    from hub.plugins.loader import PluginLoadError
    from hub.plugins.proxies import HostedProxy
    from hub.proxy.chp import ConfigurableHTTPProxy
    from hub.runtime import Hub

    def proxy(value):
        c = Config()
        c.JupyterHub.db_url = f"sqlite:///{tmp_path}/hub.sqlite"
        c.JupyterHub.proxy_class = value
        return Hub(c).proxy

    # the default, JupyterHub's short names and JupyterHub's own class: configurable-http-proxy
    for value in ("configurable-http-proxy", "default", "jupyterhub.proxy.ConfigurableHTTPProxy"):
        assert isinstance(proxy(value), ConfigurableHTTPProxy), value
    hosted = proxy("traefik_redis")
    assert isinstance(hosted, HostedProxy) and hosted.cls.__name__ == "TraefikRedisProxy"
    assert hosted.should_start is True and hosted.plugin is None  # built on the loop, at start
    with pytest.raises(PluginLoadError, match="is not a Proxy"):
        proxy("hub.auth.authenticators.DummyAuthenticator")
    with pytest.raises(PluginLoadError, match=r"c\.JupyterHub\.proxy_class = 'traefik_nowhere'"):
        proxy("traefik_nowhere")

    # its sections are read by it: no warning for its keys, one for a key it does not have
    path = tmp_path / "jupyterhub_config.py"
    path.write_text(
        "c.JupyterHub.proxy_class = 'traefik_redis'\n"
        "c.TraefikRedisProxy.redis_url = 'redis://127.0.0.1:6379'\n"
        "c.TraefikProxy.traefik_api_url = 'http://127.0.0.1:8099'\n"
        "c.Proxy.should_start = False\n"
        "c.TraefikRedisProxy.no_such_key = 1\n"
    )
    with caplog.at_level(logging.WARNING, logger="hub.config"):
        config = load_config(str(path))
    assert [r.getMessage() for r in caplog.records] == [
        "Config option TraefikRedisProxy.no_such_key is not recognized; ignored"
    ]
    c = Config(config)
    c.JupyterHub.db_url = f"sqlite:///{tmp_path}/hub.sqlite"
    assert Hub(c).proxy.should_start is False  # c.Proxy is a section of its class too


def test_hub_connect_ip_and_url_name_where_others_reach_the_hub(tmp_path):
    from traitlets.config import Config

    from hub.runtime import Hub

    def urls(**settings):
        c = Config()
        c.JupyterHub.db_url = f"sqlite:///{tmp_path}/hub.sqlite"
        for key, value in settings.items():
            setattr(c.JupyterHub, key, value)
        u = Hub(c).lifecycle.urls
        return u.hub_target, u.api_url

    assert urls() == ("http://127.0.0.1:8081", "http://127.0.0.1:8081/hub/api")
    assert urls(hub_ip="0.0.0.0")[0] == "http://127.0.0.1:8081"
    # a pod binding to every address, reached at its own IP
    assert urls(hub_ip="0.0.0.0", hub_connect_ip="10.1.2.3") == (
        "http://10.1.2.3:8081",
        "http://10.1.2.3:8081/hub/api",
    )
    assert urls(hub_ip="::", hub_connect_ip="fd00::7")[0] == "http://[fd00::7]:8081"
    # the URL's path is not used: the hub's prefix is always below it
    assert urls(hub_connect_url="https://hub.internal:9000/elsewhere/", hub_connect_ip="10.1.2.3") == (
        "https://hub.internal:9000",
        "https://hub.internal:9000/hub/api",
    )
