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
EDITORS = ROOT / "webapp" / "assets" / "modeler"

FILES = {
    "@digital-go-jp/design-tokens/dist/tokens.css": "design-tokens/tokens.css",
    "@digital-go-jp/design-tokens/LICENSE": "design-tokens/LICENSE",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "htmx.org/LICENSE": "htmx/LICENSE",
    "axe-core/axe.min.js": "axe-core/axe.min.js",
    # the API reference page (/api/v1/docs): Swagger UI reading the OpenAPI document
    "swagger-ui-dist/swagger-ui-bundle.js": "swagger-ui/swagger-ui-bundle.js",
    "swagger-ui-dist/swagger-ui.css": "swagger-ui/swagger-ui.css",
    "swagger-ui-dist/LICENSE": "swagger-ui/LICENSE",
    "swagger-ui-dist/NOTICE": "swagger-ui/NOTICE",
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
    # the decision-table editor (DMN; its code is bundled into build/dmn-editor.js); its logo stays too
    "dmn-js/LICENSE": "dmn-js/LICENSE",
    **{f"dmn-js/dist/assets/{name}": f"dmn-js/assets/{name}" for name in (
        "diagram-js.css", "dmn-js-shared.css", "dmn-js-drd.css", "dmn-js-decision-table.css",
        "dmn-js-decision-table-controls.css", "dmn-js-literal-expression.css", "dmn-js-boxed-expression.css",
        "dmn-js-boxed-expression-controls.css", "dmn-font/css/dmn.css",
        *(f"dmn-font/font/dmn.{ext}" for ext in ("woff2", "woff", "ttf", "eot", "svg")))},
}


def bundle_editors() -> None:
    """One script per editor page (BPMN, DMN); the bpmn.io watermarks stay (their licence)."""
    BUILD.mkdir(parents=True, exist_ok=True)
    entries = [str(EDITORS / "bpmn-editor.js"), str(EDITORS / "dmn-editor.js")]
    subprocess.run([str(NODE / ".bin" / "esbuild"), *entries, "--bundle", "--minify", "--format=iife",  # noqa: S603
                    "--target=es2019", "--legal-comments=linked", "--log-level=warning",
                    # libraries' development-only checks and warnings (Inferno's, in dmn-js) left out
                    '--define:process.env.NODE_ENV="production"',
                    f"--outdir={BUILD}"], check=True)


def main() -> int:
    missing = [src for src in FILES if not (NODE / src).exists()]
    if missing:
        print("missing (run npm ci first): " + ", ".join(missing), file=sys.stderr)
        return 1
    for src, dest in FILES.items():
        target = VENDOR / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE / src, target)
    bundle_editors()
    print(f"vendored {len(FILES)} files into {VENDOR.relative_to(ROOT)}; bundled the editor into "
          f"{BUILD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
