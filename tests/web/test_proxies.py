"""Proxy headers count only from the configured proxies; /metrics never trusts a forwarded address."""

from __future__ import annotations

import secrets

import pytest
from flask import request

from app import create_app
from app.extensions import db, limiter
from app.web.access import public
from config import Config, ConfigError
from tests.conftest import make_config

OUTSIDER = {"REMOTE_ADDR": "198.51.100.7"}  # a client reaching gunicorn directly


@pytest.fixture
def proxied_app(app, tmp_path):
    """The test database behind one proxy hop, with the default TRUSTED_PROXIES (loopback)."""
    config = type("Proxied", (make_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path),),
                  {"PROXY_HOPS": 1, "TRUSTED_PROXIES": "127.0.0.0/8,::1"})
    proxied = create_app(config)

    @public
    def probe():
        return {"addr": request.remote_addr, "scheme": request.scheme, "host": request.host}

    proxied.add_url_rule("/probe", "probe", probe)
    with proxied.app_context():
        limiter.reset()
    yield proxied
    with proxied.app_context():
        db.engine.dispose()


def test_default_trusted_proxies_are_loopback_only():
    from app.web.proxies import address_in, parse_networks

    assert Config.TRUSTED_PROXIES == "127.0.0.0/8,::1"
    networks = parse_networks(Config.TRUSTED_PROXIES)
    assert address_in("127.0.0.1", networks) and address_in("::1", networks)
    assert address_in("::ffff:127.0.0.1", networks)
    assert not address_in("10.0.0.11", networks) and not address_in("not-an-address", networks)


def test_a_bad_trusted_proxies_entry_stops_the_app(app, tmp_path):
    config = type("Bad", (make_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path),),
                  {"PROXY_HOPS": 1, "TRUSTED_PROXIES": "127.0.0.1,nginx.local"})
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        create_app(config)  # raised before the database is touched


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(proxied_app):
    response = proxied_app.test_client().get("/probe", environ_base=OUTSIDER, headers={
        "X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"})
    assert response.get_json() == {"addr": "198.51.100.7", "scheme": "http", "host": "localhost"}


def test_forwarded_headers_from_a_trusted_proxy_are_honoured(proxied_app):
    # The test client's peer is 127.0.0.1: nginx on the same host, appending the address it saw.
    response = proxied_app.test_client().get("/probe", headers={
        "X-Forwarded-For": "10.9.9.9, 203.0.113.5", "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "jiangcai.example.cn"})
    assert response.get_json() == {"addr": "203.0.113.5", "scheme": "https", "host": "jiangcai.example.cn"}


def test_rotating_x_forwarded_for_from_an_untrusted_peer_hits_the_public_limit(proxied_app):
    limit = int(proxied_app.config["PUBLIC_LIMIT"].split()[0])
    client = proxied_app.test_client()
    statuses = [client.get(f"/v/{secrets.token_urlsafe(16)}", environ_base=OUTSIDER,
                           headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(limit + 10)]
    assert statuses[:limit] == [404] * limit
    assert set(statuses[limit:]) == {429}


def test_distinct_clients_behind_the_trusted_proxy_have_their_own_budgets(proxied_app):
    limit = int(proxied_app.config["PUBLIC_LIMIT"].split()[0])
    client = proxied_app.test_client()
    statuses = [client.get(f"/v/{secrets.token_urlsafe(16)}", headers={"X-Forwarded-For": "203.0.113.9"}).status_code
                for _ in range(limit + 1)]
    assert statuses[-1] == 429
    other = client.get(f"/v/{secrets.token_urlsafe(16)}", headers={"X-Forwarded-For": "203.0.113.10"})
    assert other.status_code == 404


@pytest.mark.parametrize("peer", ["198.51.100.7", "127.0.0.1"])
def test_metrics_refuse_a_forged_or_forwarded_loopback_address(proxied_app, peer):
    client = proxied_app.test_client()
    forged = client.get("/metrics", environ_base={"REMOTE_ADDR": peer},
                        headers={"X-Forwarded-For": "203.0.113.9, 127.0.0.1"})
    assert forged.status_code == 403
    # Through the proxy (a loopback peer carrying the client's address) it is refused as well.
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": peer},
                      headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 403


def test_metrics_answer_a_direct_loopback_scrape_and_the_token(proxied_app):
    client = proxied_app.test_client()
    assert client.get("/metrics").status_code == 200
    proxied_app.config["METRICS_TOKEN"] = "s3cret-metrics-token-0123456789"
    with_token = client.get("/metrics", environ_base=OUTSIDER, headers={
        "X-Forwarded-For": "203.0.113.9", "Authorization": "Bearer s3cret-metrics-token-0123456789"})
    assert with_token.status_code == 200
