"""Jiangcai (匠才): skills training and certification tracker."""

from __future__ import annotations

from flask import Flask

from config import BASE_DIR, Config, ConfigError, load_config


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the application: load configuration, initialise extensions, register blueprints and CLI."""
    config_class = config_class or load_config()
    config_class.validate()
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        instance_path=str(config_class.INSTANCE_DIR),
        instance_relative_config=False,
    )
    app.config.from_object(config_class)

    from app import (
        models,  # noqa: F401  (register every table on the metadata)
        pii,
    )
    from app.accounts import passwords
    from app.api import init_api
    from app.cli import register_cli
    from app.database import install_sqlite_listeners
    from app.extensions import bootstrap, csrf, db, limiter, login_manager, migrate
    from app.tasks import init_tasks
    from app.web import register_web
    from app.web.converters import IntegerConverter

    install_sqlite_listeners()
    passwords.configure(app.config.get("PASSWORD_HASH_PROFILE", "default"), app.config.get("PASSWORD_REFUSED_EXTRA", ()))
    pii.configure(app.config["PII_ENCRYPTION_KEY"], app.config["PII_HASH_KEY"])
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True, compare_type=True)
    login_manager.init_app(app, add_context_processor=False)  # see init_access: current_user stays lazy
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    app.url_map.converters["int"] = IntegerConverter
    register_web(app)
    init_api(app)
    init_tasks(app)
    register_cli(app)
    _trust_proxies(app, app.config.get("PROXY_HOPS", 0), app.config.get("TRUSTED_PROXIES", ""))
    return app


def _trust_proxies(app: Flask, hops: int, trusted: str) -> None:
    """Take the client address, scheme and host from the headers of `hops` proxies, if sent by a trusted one."""
    if hops > 0:
        from app.web.proxies import TrustedProxyFix, parse_networks

        try:
            networks = parse_networks(trusted)
        except ValueError as exc:
            raise ConfigError(f"TRUSTED_PROXIES: {exc}") from exc
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, trusted=networks, hops=hops)
