"""The machinery that builds, checks and publishes the book. ``make`` runs it; readers never install it
(the package readers' notebooks install is :mod:`explainer`, and it imports nothing from here).

* :mod:`bookbuild.myst`       — the one reader of the MyST pages (the build's own parser), shared by the rest
* :mod:`bookbuild.checks`     — ``python -m bookbuild.checks``: the prose ⇄ data checker, both editions
* :mod:`bookbuild.catalogues` — ``python -m bookbuild.catalogues [update]``: the translation catalogues
* :mod:`bookbuild.editions`   — ``python -m bookbuild.editions [stage|build|publish|mark]``: the Spanish
  edition's staleness, its staged project and the two builds
* :mod:`bookbuild.cache`      — ``python -m bookbuild.cache``: the execution cache guard and the parallel
  executor of the chapters
"""
