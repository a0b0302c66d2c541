"""Extraction quality on real labelled postings (../shared/evaldata), through a running router:
datasets.py (the sets), runner.py (resumable runs), scoring.py (the figures), report.py."""
