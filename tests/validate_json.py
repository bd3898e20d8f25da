"""Validate a JSON document (standard input) against a JSON Schema (the first argument), with the validator
of the draft the schema names; print the errors and exit 1 when there are any."""

import json
import pathlib
import sys

import jsonschema

schema = json.loads(pathlib.Path(sys.argv[1]).read_text())
document = json.load(sys.stdin)
validator = jsonschema.validators.validator_for(schema)(schema)
errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
for error in errors[:20]:
    print(f"{'/'.join(str(p) for p in error.path)}: {error.message}")
print(f"{len(errors)} schema errors")
sys.exit(1 if errors else 0)
