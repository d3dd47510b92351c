"""Code generated from proto/specgate/v1/specgate.proto by `make grpc` (app/grpc/codegen.py); never edit it."""
