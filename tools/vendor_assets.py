"""Copy the front-end files installed by npm into webapp/static/vendor, and bundle the process
editor (webapp/assets/modeler: bpmn-js modeler + properties panel + our panel group) with esbuild
into webapp/static/build (run by `make setup`).

Nothing is fetched from a CDN at run time: the app serves these copies.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "webapp" / "static" / "vendor"
BUILD = ROOT / "webapp" / "static" / "build"
MODELER = ROOT / "webapp" / "assets" / "modeler" / "index.js"

FILES = {
    "@digital-go-jp/design-tokens/dist/tokens.css": "design-tokens/tokens.css",
    "@digital-go-jp/design-tokens/LICENSE": "design-tokens/LICENSE",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "htmx.org/LICENSE": "htmx/LICENSE",
    "axe-core/axe.min.js": "axe-core/axe.min.js",
    # the process viewer (navigated: pan and zoom); the bpmn.io logo it shows stays, as its licence asks
    "bpmn-js/dist/bpmn-navigated-viewer.production.min.js": "bpmn-js/bpmn-navigated-viewer.production.min.js",
    "bpmn-js/dist/assets/diagram-js.css": "bpmn-js/assets/diagram-js.css",
    "bpmn-js/dist/assets/bpmn-js.css": "bpmn-js/assets/bpmn-js.css",
    "bpmn-js/dist/assets/bpmn-font/css/bpmn.css": "bpmn-js/assets/bpmn-font/css/bpmn.css",
    **{f"bpmn-js/dist/assets/bpmn-font/font/bpmn.{ext}": f"bpmn-js/assets/bpmn-font/font/bpmn.{ext}"
       for ext in ("woff2", "woff", "ttf", "eot", "svg")},
    "bpmn-js/LICENSE": "bpmn-js/LICENSE",
    # the editor's properties panel (its code is bundled into build/modeler.js)
    "@bpmn-io/properties-panel/dist/assets/properties-panel.css": "properties-panel/properties-panel.css",
    "@bpmn-io/properties-panel/LICENSE": "properties-panel/LICENSE",
    "bpmn-js-properties-panel/LICENSE": "bpmn-js-properties-panel/LICENSE",
}


def bundle_modeler() -> None:
    """One script for the editor page; the bpmn.io watermark of bpmn-js stays (its licence)."""
    BUILD.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(NODE / ".bin" / "esbuild"), str(MODELER), "--bundle", "--minify", "--format=iife",  # noqa: S603
                    "--target=es2019", "--legal-comments=linked", "--log-level=warning",
                    f"--outfile={BUILD / 'modeler.js'}"], check=True)


def main() -> int:
    missing = [src for src in FILES if not (NODE / src).exists()]
    if missing:
        print("missing (run npm ci first): " + ", ".join(missing), file=sys.stderr)
        return 1
    for src, dest in FILES.items():
        target = VENDOR / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE / src, target)
    bundle_modeler()
    print(f"vendored {len(FILES)} files into {VENDOR.relative_to(ROOT)}; bundled the editor into "
          f"{BUILD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
