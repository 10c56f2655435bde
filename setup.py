"""Packages of the wheel: app/ and the top-level resources/ folder as the data package
app._resources (setuptools cannot map a folder to a package name from pyproject.toml alone
while also discovering app's sub-packages). Everything else is in pyproject.toml."""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages(include=["app", "app.*"], exclude=["*.__pycache__"]),
        "app._resources",
    ],
    package_dir={"app._resources": "resources"},
)
