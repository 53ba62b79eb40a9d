"""The data tables and the initial conditions built from them as of a date."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sim.core.errors import UserError
from sim.core.months import parse_month
from sim.data import datasets
from sim.data.world import build_world, entry_into_force, observed_parties, one_year_after, validate_data


@pytest.fixture(scope="module")
def today() -> pd.DataFrame:
    return build_world(datasets.DATA_END).table.set_index("iso3")


def test_every_un_member_plus_palestine_and_cook_islands() -> None:
    states = datasets.states()
    assert len(states) == 195
    assert states["iso3"].is_unique
    assert {"PSE", "COK", "USA", "RUS", "CHN", "SSD"} <= set(states["iso3"])


def test_data_rules_hold() -> None:
    validate_data()  # raises on a duplicate ISO3, an Art. 126/127 violation or a party without deposit


def test_125_parties_at_the_data_end(today: pd.DataFrame) -> None:
    assert today["status"].isin(["party", "announced", "notified"]).sum() == 125
    assert build_world(datasets.DATA_END).parties == 125


def test_pending_withdrawals_and_their_effective_dates(today: pd.DataFrame) -> None:
    pending = today[today["status"] == "notified"]["effective"].dt.date.to_dict()
    assert pending == {"NER": dt.date(2027, 6, 18), "BFA": dt.date(2027, 6, 24), "MLI": dt.date(2027, 6, 24),
                       "VEN": dt.date(2027, 7, 24), "TCD": dt.date(2027, 7, 27)}


def test_hungary_revoked_and_former_parties(today: pd.DataFrame) -> None:
    assert today.loc["HUN", "status"] == "party"
    assert build_world(dt.date(2026, 5, 28)).table.set_index("iso3").loc["HUN", "status"] == "notified"
    assert today.loc["BDI", "status"] == "withdrawn"
    assert today.loc["PHL", "status"] == "withdrawn"
    assert today.loc["USA", "status"] == "non_party"


def test_ukraine_is_a_party_from_2025_01_01() -> None:
    assert build_world(dt.date(2024, 12, 31)).table.set_index("iso3").loc["UKR", "status"] == "acceding"
    assert build_world(dt.date(2025, 1, 1)).table.set_index("iso3").loc["UKR", "status"] == "party"


def test_south_africa_notified_in_2016_although_announced_after() -> None:
    table = build_world(dt.date(2016, 12, 1)).table.set_index("iso3")
    assert table.loc["ZAF", "status"] == "notified"
    assert build_world(dt.date(2017, 4, 1)).table.set_index("iso3").loc["ZAF", "status"] == "party"


def test_article_126_and_127_dates() -> None:
    assert entry_into_force(dt.date(2024, 10, 25)) == dt.date(2025, 1, 1)  # Ukraine
    assert entry_into_force(dt.date(2023, 11, 14)) == dt.date(2024, 2, 1)  # Armenia
    assert entry_into_force(dt.date(1999, 2, 2)) == dt.date(2002, 7, 1)  # Senegal, early ratifier
    assert one_year_after(dt.date(2018, 3, 17)) == dt.date(2019, 3, 17)


def test_attributes_are_those_known_on_the_date() -> None:
    early = build_world(dt.date(2016, 1, 1)).table.set_index("iso3")
    assert early.loc["MLI", "ideal_point_year"] == 2015  # estimates for a year are published after it
    assert early.loc["MLI", "patron"] == "FRA_EU"
    assert not early.loc["MLI", "junta"]
    later = build_world(dt.date(2025, 1, 1)).table.set_index("iso3")
    assert later.loc["MLI", "patron"] == "RUS" and later.loc["MLI", "junta"]
    assert later.loc["MLI", "exposure"] == 0.2  # a self-referral, scaled (sim/data/SOURCES.md)
    assert set(later.loc["MLI", "blocs"].split(",")) == {"AU", "ECOWAS", "AES"}
    after_exit = build_world(dt.date(2025, 2, 1)).table.set_index("iso3")
    assert set(after_exit.loc["MLI", "blocs"].split(",")) == {"AU", "AES"}  # left ECOWAS on 2025-01-29


def test_divergence_is_distance_from_the_party_mean(today: pd.DataFrame) -> None:
    parties = today["status"].isin(["party", "announced", "notified"])
    mean = today.loc[parties, "ideal_point"].mean()
    assert np.allclose(today["divergence"], (today["ideal_point"] - mean).abs(), rtol=0, atol=1e-12)
    assert today.loc["MLI", "divergence"] > today["divergence"][parties].quantile(0.9)


def test_coup_base_rates_are_higher_where_coups_happen(today: pd.DataFrame) -> None:
    assert today.loc["BFA", "coup_rate"] > 5 * today.loc["NOR", "coup_rate"]
    assert (today["coup_rate"] > 0).all()


def test_out_of_data_dates_are_rejected() -> None:
    with pytest.raises(UserError, match="outside the data"):
        build_world(dt.date(2027, 1, 1))


def test_observed_party_counts_follow_the_record() -> None:
    months = [parse_month(m) for m in ("2016-10", "2017-11", "2019-04", "2024-03", "2025-02")]
    assert observed_parties(months).tolist() == [124, 123, 122, 124, 125]
