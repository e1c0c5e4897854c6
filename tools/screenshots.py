"""Screenshot every page of the built documentation site with headless Chromium.

Serves ``build/site`` on 127.0.0.1 (a free port) and writes one PNG per page, named after
its path, so a person can look at the site as a reader will: figures, math, code blocks,
tables. Not part of the test suite (it needs Chromium: ``apt-get install chromium``).

Usage, after ``mkdocs build``::

    python tools/screenshots.py [--site build/site] [--out build/screenshots]
        [--width 1280] [--height 2400] [--only PATTERN]
"""

from __future__ import annotations

import argparse
import functools
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def pages(site: Path) -> list[str]:
    """Every page's URL path: each ``index.html`` (mkdocs' directory URLs) but the 404."""
    out = []
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        if rel.startswith(("assets", "search")):
            continue
        out.append("" if rel == "." else rel + "/")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, default=ROOT / "build" / "site")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "screenshots")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=2400)
    ap.add_argument("--only", default="", help="only pages whose path contains this")
    args = ap.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("chromium not found: apt-get install chromium", file=sys.stderr)
        return 2
    if not (args.site / "index.html").is_file():
        print(f"{args.site} has no index.html: run mkdocs build first", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_Quiet, directory=str(args.site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    failed = 0
    try:
        for path in pages(args.site):
            if args.only not in path:
                continue
            name = (path.strip("/").replace("/", "__") or "index") + ".png"
            shot = args.out / name
            cmd = [
                browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                f"--window-size={args.width},{args.height}", "--virtual-time-budget=4000",
                f"--screenshot={shot}", base + path,
            ]  # fmt: skip
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
            if proc.returncode != 0 or not shot.is_file():
                failed += 1
                print(f"FAILED {path}: {proc.stderr[-500:]}", file=sys.stderr)
            else:
                print(shot.relative_to(ROOT) if shot.is_relative_to(ROOT) else shot)
    finally:
        server.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
