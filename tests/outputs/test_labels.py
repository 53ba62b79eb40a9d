"""One mapping from the model's codes to the words a reader sees."""

from sim.core.params import Params
from sim.data.datasets import PATRON_CODES
from sim.experiments.sensitivity import OUTCOMES
from sim.outputs import labels


def test_every_parameter_patron_and_outcome_has_a_label() -> None:
    assert set(Params.specs()) <= set(labels.PARAMETERS), set(Params.specs()) - set(labels.PARAMETERS)
    assert set(PATRON_CODES) == set(labels.PATRONS)
    assert set(OUTCOMES) <= set(labels.OUTCOMES)


def test_labels_are_words_not_codes_and_never_shared() -> None:
    for mapping in (labels.PARAMETERS, labels.PATRONS, labels.COVARIATES, labels.INDICES):
        assert len(set(mapping.values())) == len(mapping)
        assert all("_" not in text for text in mapping.values())
    assert labels.parameter("b_peer") == "effect of peers leaving" and labels.parameter("unknown") == "unknown"
