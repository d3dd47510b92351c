"""The HTTP layer: the only code that imports FastAPI. Routes call app.core; errors are mapped in errors.py."""
