"""Shared test set-up: hypothesis profiles and the backend fixture.

Every op and gradient test takes the `device` fixture, so it runs on NumPy
("cpu"), on the array-api-strict stand-in for a GPU, and on CuPy ("cuda")
when a CUDA device is present. One fixture, not a copied suite per backend.

Hypothesis profiles: "ci" (modest example counts, the default under CI) and
"thorough" (for local runs: HYPOTHESIS_PROFILE=thorough make test).
"""

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=15, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("dev", max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def _cuda_available():
    try:
        import cupy
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


DEVICES = ["cpu", "array_api_strict"] + (["cuda"] if _cuda_available() else [])


@pytest.fixture(params=DEVICES)
def device(request):
    return request.param


# ---- the differential tests' count -------------------------------------------

def pytest_terminal_summary(terminalreporter):
    """Report how many differential cases against PyTorch ran and passed."""
    import sys
    torchdiff = sys.modules.get("torchdiff")
    if torchdiff is not None:
        terminalreporter.write_line(f"{torchdiff.CASES['passed']} differential cases against PyTorch "
                                    "ran and passed")
