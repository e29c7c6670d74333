"""The blueprint of the worker's own pages and the SMS sender they use."""

from __future__ import annotations

from flask import Blueprint, current_app

from app.sms import SmsSender, make_sender

bp = Blueprint("portal", __name__, url_prefix="/me")


def sms_sender() -> SmsSender:
    """The application's SMS sender, made once from SMS_BACKEND."""
    sender = current_app.extensions.get("jiangcai_sms")
    if sender is None:
        sender = current_app.extensions["jiangcai_sms"] = make_sender(current_app.config["SMS_BACKEND"])
    return sender
