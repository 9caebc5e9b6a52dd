"""Ecolaura's tests.

Every app and CLI process under test signs and verifies sessions with one key,
made for this run: set here, before any settings are read.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault(
    "IDENTITY_KEY_FILE", str(Path(tempfile.mkdtemp(prefix="ecolaura-identity-")) / "signing-key.pem")
)
