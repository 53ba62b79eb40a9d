"""Episodes: a joint decision of several states counts once, in the record and in simulated runs."""

import datetime as dt

import pandas as pd

from sim.core.months import parse_month
from sim.experiments import baselines, episodes


def test_the_aes_trio_is_one_episode_and_the_2016_wave_three() -> None:
    found = episodes.recorded("announced", dt.date(2016, 1, 1), dt.date(2026, 11, 30))
    sizes = found.groupby("episode")["iso3"].agg(lambda s: tuple(sorted(s)))
    assert ("BFA", "MLI", "NER") in set(sizes)
    assert {("BDI",), ("ZAF",), ("GMB",)} <= set(sizes)  # same month, no common bloc but the AU
    assert found["episode"].nunique() == len(found) - 2


def test_three_joint_announcers_in_a_run_count_once() -> None:
    month = parse_month("2025-09")
    events = pd.DataFrame({"run": [0, 0, 0, 1, 1, 1, 1], "month": [month] * 3 + [month] * 3 + [month + 1],
                           "iso3": ["BFA", "MLI", "NER", "BFA", "ZAF", "NER", "MLI"]})
    counts = episodes.count(events, 3)
    # run 0: the trio; run 1: BFA and NER together (AES), South Africa alone, Mali a month later; run 2: none
    assert counts.tolist() == [1, 3, 0]


def test_bloc_membership_is_taken_as_of_the_month() -> None:
    before_aes = parse_month("2023-01")  # the AES was founded in 2023-09; all three were in ECOWAS then
    after_ecowas = parse_month("2025-06")  # they left ECOWAS in 2025-01, but are in the AES
    ghana = pd.DataFrame({"run": 0, "month": after_ecowas, "iso3": ["BFA", "GHA"]})
    assert episodes.count(ghana, 1).tolist() == [2]
    assert episodes.count(ghana.assign(month=before_aes), 1).tolist() == [1]


def test_a_joint_episode_weighs_once_in_the_base_rates() -> None:
    shares = baselines.episode_shares("announced", dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    assert shares.to_dict() == {"BFA": 1 / 3, "MLI": 1 / 3, "NER": 1 / 3}
