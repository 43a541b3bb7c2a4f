"""Alembic migrations of the store (see tests/README.md, "Adding a table or a column")."""
