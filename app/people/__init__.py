"""People: registration with encrypted ID and phone numbers, data scope, work history, certificates held,
level history, photos and bulk import. Flask-free; comes after catalog in the chain."""
