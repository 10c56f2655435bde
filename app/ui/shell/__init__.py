"""The frame every feature plugs into: application start, main window, sections, the
runner of database work, the one error path, forms, theme, guide and first start."""
