"""Generated from protos/jobextract/v1/extraction.proto by `python -m jobextract.codegen`:
not edited by hand (tests/test_contract.py fails on drift)."""
