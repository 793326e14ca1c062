"""Run the mock SIS: ``python -m sis_bridge.mock --host 127.0.0.1 --port 8001 --seed 42``.

Options fall back to the environment: MOCK_SIS_SEED, MOCK_SIS_STUDENTS, SIS_CLIENT_ID,
SIS_CLIENT_SECRET, MOCK_SIS_TOKEN_LIFETIME (seconds), MOCK_SIS_TOKEN_LIMIT (live tokens per
client; unset means no limit), MOCK_SIS_PUBLIC_URL (base of the discovery URLs; default: the
request's own host).
"""

from __future__ import annotations

import argparse
import gc
import os

import uvicorn

from .app import Settings, create_app


def _env_int(name: str, default: int | None) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else default


def main(argv: list[str] | None = None) -> None:
    defaults = Settings()
    parser = argparse.ArgumentParser(prog="python -m sis_bridge.mock", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--seed", type=int, default=_env_int("MOCK_SIS_SEED", defaults.seed))
    parser.add_argument(
        "--students", type=int, default=_env_int("MOCK_SIS_STUDENTS", defaults.students)
    )
    parser.add_argument(
        "--token-lifetime",
        type=int,
        default=_env_int("MOCK_SIS_TOKEN_LIFETIME", defaults.token_lifetime),
        help="seconds a bearer token stays valid",
    )
    parser.add_argument(
        "--token-limit",
        type=int,
        default=_env_int("MOCK_SIS_TOKEN_LIMIT", None),
        help="live tokens per client before the token endpoint answers 429",
    )
    parser.add_argument("--public-url", default=os.environ.get("MOCK_SIS_PUBLIC_URL"))
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    app = create_app(
        seed=args.seed,
        students=args.students,
        client_id=os.environ.get("SIS_CLIENT_ID", defaults.client_id),
        client_secret=os.environ.get("SIS_CLIENT_SECRET", defaults.client_secret),
        token_lifetime=args.token_lifetime,
        token_limit=args.token_limit,
        public_url=args.public_url,
    )
    app.dataset.count_records()  # before listening, so no request waits for it
    # The generator's caches stay for the process's life: the cycle collector need not walk
    # them each time a page's records are made (about a tenth of the mock's CPU on a full sync).
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
