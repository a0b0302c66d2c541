"""jobextract: shared pieces of the router and inference services (generated stubs, gRPC serving)."""
