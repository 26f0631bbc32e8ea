"""Copy the map assets the book serves offline from npm packages into explainer/vendor/ and
write explainer/vendor/MANIFEST.json (version, licence and SHA-256 of every file).

Run once when the pinned versions change (needs Node's npm; building the book does not):

    mkdir -p /tmp/vend && cd /tmp/vend && npm install --no-audit --no-fund \
        leaflet@1.9.3 d3@3.5.5 jquery@3.7.1
    python scripts/vendor_map_assets.py /tmp/vend/node_modules
"""
import hashlib
import json
import shutil
import sys
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "explainer" / "vendor"
#: package → (version, licence, [(source path in the package, destination under vendor/)])
PACKAGES = {
    "leaflet": ("1.9.3", "BSD-2-Clause", [("dist/leaflet.js", "leaflet/leaflet.js"),
                                           ("dist/leaflet.css", "leaflet/leaflet.css"),
                                           ("dist/images", "leaflet/images"),
                                           ("LICENSE", "leaflet/LICENSE")]),
    "d3": ("3.5.5", "BSD-3-Clause", [("d3.min.js", "d3/d3.min.js"), ("LICENSE", "d3/LICENSE")]),
    "jquery": ("3.7.1", "MIT", [("dist/jquery.min.js", "jquery/jquery.min.js"),
                                 ("LICENSE.txt", "jquery/LICENSE")]),
}
STUB = "/* intentionally empty: replaces a folium/branca asset the book maps do not use */\n"


def main(node_modules: Path) -> None:
    files = {}
    for pkg, (version, licence, items) in PACKAGES.items():
        meta = json.loads((node_modules / pkg / "package.json").read_text())
        if meta["version"] != version:
            sys.exit(f"{pkg}: found {meta['version']}, expected {version}")
        for src, dst in items:
            s, d = node_modules / pkg / src, VENDOR / dst
            d.parent.mkdir(parents=True, exist_ok=True)
            if s.is_dir():
                shutil.rmtree(d, ignore_errors=True)
                shutil.copytree(s, d)
            else:
                shutil.copy2(s, d)
    (VENDOR / "stub").mkdir(exist_ok=True)
    for name in ("empty.js", "empty.css"):
        (VENDOR / "stub" / name).write_text(STUB)
    for p in sorted(VENDOR.rglob("*")):
        if p.is_file() and p.name != "MANIFEST.json":
            rel = p.relative_to(VENDOR).as_posix()
            pkg = rel.split("/")[0]
            version, licence, _ = PACKAGES.get(pkg, ("-", "CC0-1.0", []))
            files[rel] = {"package": pkg if pkg in PACKAGES else "stub (this book)", "version": version,
                          "license": licence, "source": f"npm {pkg}@{version}" if pkg in PACKAGES else "written here",
                          "sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "bytes": p.stat().st_size}
    (VENDOR / "MANIFEST.json").write_text(json.dumps({"files": files}, indent=2, sort_keys=True) + "\n")
    print(f"{len(files)} files, {sum(f['bytes'] for f in files.values())} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "node_modules"))
