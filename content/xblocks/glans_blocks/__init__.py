"""GLANS's own XBlocks (entry points `glans-conversation` and `glans-appreciation`).

Only importable with the `xblocks` extra installed; the plugin never imports this package
itself, XBlock loads it through the entry points.
"""
