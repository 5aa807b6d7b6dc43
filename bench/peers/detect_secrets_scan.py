"""Runs detect-secrets (default plugins and filters) over files and prints each finding with its
secret value as JSON, so that bench/privacy.ts can match findings to planted values."""
import json
import sys

from detect_secrets.core.scan import scan_file
from detect_secrets.settings import default_settings

out = []
with default_settings():
    for path in sys.argv[1:]:
        for secret in scan_file(path):
            out.append(
                {
                    "file": path,
                    "type": secret.type,
                    "line": secret.line_number,
                    "value": secret.secret_value,
                }
            )
json.dump(out, sys.stdout)
