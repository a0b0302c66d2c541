"""The inference service: one resident vLLM model behind jobextract.v1.InferenceService."""
