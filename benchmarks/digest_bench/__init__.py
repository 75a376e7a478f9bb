"""The digest benchmark's parts: the generated year, the measurements and the report (run
`benchmarks/digest_build.py`)."""
