"""Test helpers for CloudFront Local.

`Emulator` starts the binary on a free port; `Control` drives a running emulator's `/_emulator`
control plane. This package is also the pytest plugin (entry point `pytest_cloudfront_local`, or
`-p pytest_cloudfront_local` without installing): see `plugin.py` for its fixtures.
"""

from pytest_cloudfront_local.control import Control, ControlError, format_call
from pytest_cloudfront_local.plugin import (  # noqa: F401 (pytest finds hooks and fixtures here)
    cloudfront_account,
    cloudfront_client,
    cloudfront_local,
    cloudfront_local_flags,
    make_client,
    make_cloudfront_client,
    new_cloudfront_account,
    pytest_addoption,
    pytest_configure,
    pytest_runtest_makereport,
    start_cloudfront_local,
)
from pytest_cloudfront_local.process import Emulator, EmulatorStartError, find_binary

__all__ = ["Control", "ControlError", "Emulator", "EmulatorStartError", "find_binary", "format_call",
           "make_client"]
__version__ = "0.1.0"
