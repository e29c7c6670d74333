"""The HTTP edge: blueprints, access rules, security headers, language."""

from __future__ import annotations

from flask import Flask


def register_web(app: Flask) -> None:
    """Register every blueprint and the request hooks of the web edge."""
    from app.web.access import init_access
    from app.web.accounts.views import bp as accounts_bp
    from app.web.actions import init_actions
    from app.web.auth.views import bp as auth_bp
    from app.web.catalog.views import bp as catalog_bp
    from app.web.certificates.views import bp as certificates_bp
    from app.web.downloads import bp as downloads_bp
    from app.web.home.views import bp as home_bp
    from app.web.i18n import init_i18n
    from app.web.people.views import bp as people_bp
    from app.web.placement.labels import init_placement_labels
    from app.web.security import init_security
    from app.web.templating import init_templating
    from app.web.training.labels import init_labels

    init_access(app)
    init_actions(app)
    init_security(app)
    init_i18n(app)
    init_templating(app)
    init_labels(app)
    init_placement_labels(app)
    for blueprint in (home_bp, auth_bp, accounts_bp, catalog_bp, downloads_bp, people_bp, certificates_bp):
        app.register_blueprint(blueprint)
    from app.web.demand.views import bp as demand_bp
    from app.web.training.apprenticeships import bp as apprenticeships_bp
    from app.web.training.class_attendance import bp as class_attendance_bp
    from app.web.training.classes import bp as classes_bp
    from app.web.training.sign_in import bp as sign_in_bp
    from app.web.training.views import bp as training_bp

    for blueprint in (demand_bp, training_bp, classes_bp, apprenticeships_bp, class_attendance_bp, sign_in_bp):
        app.register_blueprint(blueprint)
    from app.web.assessment import bp as assessment_bp

    app.register_blueprint(assessment_bp)
    from app.web.ops.views import init_ops

    init_ops(app)
    from app.web.verify import bp as verify_bp

    app.register_blueprint(verify_bp)
    from app.web.placement import bp as placement_bp
    from app.web.reporting import bp as reports_bp

    app.register_blueprint(placement_bp)
    from app.web.labour import bp as labour_bp

    app.register_blueprint(labour_bp)
    app.register_blueprint(reports_bp)
    from app.web.competitions import bp as competitions_bp

    app.register_blueprint(competitions_bp)
    from app.web.studios import bp as studios_bp

    app.register_blueprint(studios_bp)
    from app.web.portal import bp as portal_bp

    app.register_blueprint(portal_bp)
