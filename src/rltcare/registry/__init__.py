"""The real-world-data registry (SQLAlchemy). Never imports web or cli."""
