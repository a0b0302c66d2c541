"""jobextract's tools above the services: the CLI, the demo, the launcher, the evaluation."""
