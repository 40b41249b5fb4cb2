"""Fixtures for the surveys tests: an open period with the default instruments, targets and access points."""
import pytest

from tests.factories import make_access_point, make_period


@pytest.fixture
def period(org):
    """Triwulan IV 2026, open, on SPAK v1 and SPKP v1."""
    return make_period()


@pytest.fixture
def counter(org):
    """The counter access point of Lapas Semarang."""
    return make_access_point(org.semarang, name="Loket utama")
