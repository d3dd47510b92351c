"""The gRPC layer: specgate.v1.Specgate (proto/specgate/v1/specgate.proto) over the same core as app.api.

Imports grpc and the core, never FastAPI; app.api and app.core never import it (tests/test_layering.py).
"""
