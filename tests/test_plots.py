"""The plots a learner reads: at least 1000 px wide and saved at 150 dpi or more.

`check_plot` is used by tests/test_demos.py on the PNG each demo writes at its
tiny setting (the figure's size does not depend on the setting), and by
tests/test_markdown_docs.py on the figures the tour wrote into docs/figures.
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MIN_WIDTH, MIN_DPI = 1000, 150


def check_plot(path):
    """Assert that the PNG at path is at least MIN_WIDTH pixels wide and records at least MIN_DPI."""
    image = pytest.importorskip("PIL.Image")
    with image.open(path) as png:
        width, height = png.size
        dpi = png.info.get("dpi")
    assert png.format == "PNG", f"{path}: not a PNG ({png.format})"
    assert width >= MIN_WIDTH, f"{path}: {width} px wide, expected at least {MIN_WIDTH}"
    assert dpi is not None, f"{path}: no dpi recorded (pHYs chunk)"
    assert min(dpi) >= MIN_DPI - 0.5, f"{path}: saved at {dpi} dpi, expected at least {MIN_DPI}"
    assert height >= 300, f"{path}: {height} px high; a plot that short has lost its panels"


def test_check_plot_rejects_a_small_or_low_dpi_png(tmp_path):
    image = pytest.importorskip("PIL.Image")
    small, blurry = tmp_path / "small.png", tmp_path / "blurry.png"
    image.new("RGB", (640, 480)).save(small, dpi=(150, 150))
    image.new("RGB", (1200, 480)).save(blurry, dpi=(80, 80))
    with pytest.raises(AssertionError, match="640 px wide"):
        check_plot(small)
    with pytest.raises(AssertionError, match="expected at least 150"):
        check_plot(blurry)
