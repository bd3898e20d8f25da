"""Validate a SARIF log (standard input) against the vendored SARIF 2.1.0 schema; print the errors, exit 1."""

import json
import pathlib
import sys

import jsonschema

schema_path = pathlib.Path(__file__).parent / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
schema = json.loads(schema_path.read_text())
log = json.load(sys.stdin)
validator = jsonschema.Draft7Validator(schema)
errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
for error in errors[:20]:
    print(f"{'/'.join(str(p) for p in error.path)}: {error.message}")
results = sum(len(run.get("results", [])) for run in log["runs"])
print(f"{len(errors)} schema errors in a log of {results} results")
sys.exit(1 if errors else 0)
