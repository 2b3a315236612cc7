"""The preset registry: complete, ordered, and faithful to the published protocols."""

from __future__ import annotations

import pytest

from izhi_widgets import PRESET_GROUPS, PRESETS
from izhi_widgets.presets import CITATION_2003, CITATION_2004


def test_registry_holds_the_20_features_then_the_8_cell_types_in_order():
    assert list(PRESETS) == [*"ABCDEFGHIJKLMNOPQRST", "RS", "IB", "CH", "FS", "TC", "TC_burst",
                             "RZ", "LTS"]
    assert [len(keys) for keys in PRESET_GROUPS.values()] == [20, 8]
    with pytest.raises(TypeError):
        PRESETS["X"] = PRESETS["A"]  # read-only


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_is_documented(key):
    p = PRESETS[key]
    assert p.key == key and p.name and p.label
    assert 40 < len(p.description) < 400 and p.description.endswith(".")
    assert p.citation in (CITATION_2003, CITATION_2004)
    assert len(p.expected_spikes_ms) >= 1
    assert all(0 <= t <= p.duration_ms for t in p.expected_spikes_ms)


def test_the_2004_feature_names_are_the_labels():
    for key in PRESET_GROUPS["Izhikevich 2004, Fig. 1 (A–T)"]:
        assert PRESETS[key].label == PRESETS[key].name


@pytest.mark.parametrize("key, times, values", [
    ("A", [10, 10.25], [0, 14]),
    ("G", [30, 40], [0, 0.75]),
    ("H", [0, 30, 130], [-0.5, -0.5, 1.0]),
    ("K", [40, 42, 44, 280.5], [0, 0.65, 0, 0.65]),
    ("L", [100 / 11 + 1, 100 / 11 + 5 + 1, 71, 79], [9, 9, 9, 0]),
    ("O", [12, 72, 82], [1, -6, 1]),
    ("P", [0, 40, 218, 221], [0.24, 1.24, 1.24, 0.24]),
    ("Q", [9, 10, 11], [0, 20, 0]),
    ("R", [100, 200, 306.25, 312.5], [4, 0, 2, 0]),
    ("S", [49.5, 50, 250, 250.5], [80, 75, 75, 80]),
    ("TC_burst", [0, 45, 45.25], [-25, -25, 0]),
    ("RZ", [0, 10, 10.25, 62], [-2, -2, -0.5, 10]),
])
def test_protocols_match_the_published_table(key, times, values):
    assert PRESETS[key].stimulus.current(times).tolist() == pytest.approx(values)


def test_equation_variants_and_initial_states():
    for key in "GL":
        assert (PRESETS[key].params.k1, PRESETS[key].params.k0) == (4.1, 108.0)
    assert PRESETS["R"].params.recovery == "accommodation" and PRESETS["R"].initial_u == -16
    assert PRESETS["A"].initial_u == pytest.approx(0.2 * -70)
    assert {PRESETS[k].dt_ms for k in PRESET_GROUPS["Izhikevich 2003 cell types"]} == {0.25}
    assert (PRESETS["Q"].dt_ms, PRESETS["R"].dt_ms, PRESETS["D"].dt_ms) == (0.1, 0.5, 0.2)
