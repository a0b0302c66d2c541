"""The router: decides local or cloud, prompts, validates, retries and falls back."""
