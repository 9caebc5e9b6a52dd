"""Identity benchmark: a protected endpoint against the same endpoint unauthenticated, in one run.

The app (benchmarks/auth_app.py) serves one answer twice on the platform's stack: ``/open`` and
``/protected`` (the identity guard: bearer token, RS256 signature against the local provider's
key, claims, role). wrk (1 thread, 16 connections) sends 1,000 signed-in users' tokens at random.

Two runs of the protected endpoint:
* as deployed: each API process remembers verified tokens until they expire, so a client sending
  the same token on every request pays the RSA check once;
* cache off (IDENTITY_TOKEN_CACHE=0): every request checks the signature.

Usage: uv run python benchmarks/auth.py [--seconds 10] [--clients 16]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

from benchmarks.support import asgi_server, serve, wrk_run  # noqa: E402
from write_side.identity.signing import Signer, load_or_create_key  # noqa: E402

WRK_TOKENS = """
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
math.randomseed(7)
request = function()
  local headers = {}
  if os.getenv("BENCH_AUTH") == "1" then
    headers["Authorization"] = "Bearer " .. tokens[math.random(1, #tokens)]
  end
  return wrk.format("GET", os.getenv("BENCH_PATH"), headers)
end
"""


def wrk(port: int, path: str, tokens: Path, seconds: int, clients: int) -> tuple[float, float, float, int]:
    """Requests/s, p50 ms, p99 ms and errors; ``/protected`` requests carry a random user's token."""
    env = {
        "BENCH_TOKENS": str(tokens),
        "BENCH_PATH": path,
        "BENCH_AUTH": "1" if path == "/protected" else "0",
    }
    return wrk_run(port, WRK_TOKENS, env, seconds, clients)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("this benchmark needs wrk: apt-get install wrk")
    # By its package path: with benchmarks/ itself on sys.path, its analytics.py script would
    # shadow the analytics package the app imports.
    server = asgi_server("granian", "benchmarks.auth_app:app", factory=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        key_file = Path(tmp) / "signing-key.pem"
        signer = Signer(load_or_create_key(key_file))
        tokens = Path(tmp) / "tokens"
        tokens.write_text(
            "\n".join(
                signer.access_token(str(uuid.uuid4()), ["customer"], str(uuid.uuid4()), "0" * 64, ttl=3600)
                for _ in range(1000)
            )
            + "\n"
        )
        env = {
            **os.environ,
            "IDENTITY_KEY_FILE": str(key_file),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        with serve(server, env) as port:
            rows.append(("unauthenticated /open", *wrk(port, "/open", tokens, args.seconds, args.clients)))
            rows.append(
                ("protected, as deployed", *wrk(port, "/protected", tokens, args.seconds, args.clients))
            )
        with serve(server, {**env, "IDENTITY_TOKEN_CACHE": "0"}) as port:
            rows.append(
                ("protected, cache off", *wrk(port, "/protected", tokens, args.seconds, args.clients))
            )
    baseline = rows[0][1]
    print(f"\n{'':26}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>9}{'of open':>10}")
    for name, rps, p50, p99, bad in rows:
        print(f"{name:26}{rps:>9.0f}{p50:>9.2f}{p99:>9.2f}{bad:>9}{rps / baseline:>9.0%}")
    deployed = rows[1][1] / baseline
    failed = [f"{name}: {bad}" for name, *_, bad in rows[:2] if bad]  # the two rows the target compares
    verdict = (
        f"not measured: errors or non-2xx answers in {'; '.join(failed)}"
        if failed
        else f"{'met' if deployed >= 0.85 else 'MISSED'}: {deployed:.0%}"
    )
    print(f"\nTarget: protected >= 85% of unauthenticated ({verdict})")


if __name__ == "__main__":
    main()
