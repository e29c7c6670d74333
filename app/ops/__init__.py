"""Operations: health checks, metrics and backups.

Flask-free like the feature packages (the web edge and the CLI call it); it may read every feature's tables
because it sits beside the chain, not in it.
"""
