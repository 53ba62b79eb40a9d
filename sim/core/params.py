"""Declared model parameters: default, allowed range and the basis of every default.

Hazards are annual probabilities on the logit scale unless the name says per month; the rules
convert them to monthly probabilities. Unknown names and out-of-range values are rejected.
"""

import csv
import dataclasses
import importlib.resources
from typing import Any, Mapping

from sim.core.errors import UserError

CALIBRATION_FILE = "calibration.csv"  # in sim/data; written by `iccsim calibrate` (see its --out folder)
HELD_FILE = "held.csv"  # in sim/data; parameters an earlier fit could not identify, held at its medians


def _calibrated(name: str = CALIBRATION_FILE) -> dict[str, dict[str, str]]:
    """A calibration table: parameter -> value, 90 % interval, window, method and data date."""
    path = importlib.resources.files("sim.data") / name
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["parameter"]: row for row in csv.DictReader(handle)}


CALIBRATED = _calibrated()
HELD = _calibrated(HELD_FILE)


def _p(default: float, low: float, high: float, basis: str) -> Any:
    return dataclasses.field(default=default, metadata={"low": low, "high": high, "basis": basis, "calibration": None})


def _fitted(name: str, guess: float, low: float, high: float, basis: str) -> Any:
    """A parameter fitted to the record: its default is the calibrated value when the shipped calibration
    has one (with its provenance); else, for a parameter the record cannot identify, the median of the
    earlier fit it is held at (sim/data/held.csv, marked as not fitted); else the literature-based `guess`."""
    row = CALIBRATED.get(name)
    if row is None and name in HELD:
        row = HELD[name]
        return _p(float(row["value"]), low, high,
                  f"not fitted: held at the median of an earlier fit to the record {row['window']} ({row['method']}), "
                  f"whose 90 % interval {row['q05']} to {row['q95']} spans most of the range, so the value is in "
                  f"effect an assumption (the shipped calibration cannot identify it: README, Calibration); "
                  f"before that fit: {guess}, {basis}")
    if row is None:
        return _p(guess, low, high, basis)
    provenance = {"value": float(row["value"]), "interval_90": [float(row["q05"]), float(row["q95"])],
                  "window": row["window"], "method": row["method"], "data_as_of": row["data_as_of"],
                  "prior_guess": guess}
    return dataclasses.field(default=float(row["value"]), metadata={
        "low": low, "high": high, "calibration": provenance,
        "basis": f"calibrated to the record {row['window']} ({row['method']}; posterior median, 90 % interval "
                 f"{row['q05']} to {row['q95']}); before calibration: {guess}, {basis}"})


VBV = "von Borzyskowski & Vabulas (2019), Rev. Int. Organ. 14(2), Table 1"


@dataclasses.dataclass(frozen=True)
class Params:
    """Every tunable number of the model, with its range and source."""

    # --- withdrawal announcement: annual rare-events logit after von Borzyskowski & Vabulas (2019) ---
    a0: float = _fitted("a0", -7.8, -12.0, -3.0, "intercept; h = 0.04 %/yr at zero covariates, the all-IGO base rate "
                   "(von Borzyskowski & Vabulas 2019, Online Appendix Table A1: mean 0.0004)")
    b_div: float = _fitted("b_div", 1.0, 0.0, 3.0, f"per UNGA ideal-point unit a state votes from the party mean "
                       f"toward the court-hostile pole (Russia's clients), 0 on the other side: divergence used "
                       f"directionally, since the UK votes with the US and Ukraine with Europe without being exit "
                       f"candidates; magnitude after the symmetric divergence of {VBV}: 0.950 / 1.175")
    b_lead: float = _p(3.0, 0.0, 5.0, f"a bloc lead/founder state announced within the lead window; {VBV}: 3.348 / 3.166")
    b_peer: float = _fitted("b_peer", 2.0, 0.0, 6.0, "per unit share of bloc or patron-client peers exiting; assumption: "
                       "mid-point of a 1-4 range, no direct estimate exists (to calibrate on the 2016 and 2025 "
                       "clusters)")
    b_exp: float = _fitted("b_exp", 2.5, 0.0, 5.0, "per unit of exposure to the court; rough relative risk x10-x25 from the "
                      "ICC record (5-6 of 8 announcers faced a direct confrontation)")
    b_rc: float = _p(0.5, 0.0, 2.0, f"regime change within the regime-change window; {VBV}: government "
                     "orientation change 0.333-0.656")
    b_junta: float = _fitted("b_junta", 2.0, 0.0, 5.0, "per unit of a junta's patron strength x patron hostility "
                        "(0 for juntas without a court-hostile patron): the 2025 exits came from juntas that had "
                        "turned to Russia, while Mali's and Burkina Faso's elected governments had reaffirmed "
                        "membership in 2016 and none of the 2006-15 juntas (Fiji, Guinea, Madagascar, Niger, "
                        "Mali) announced; rough reading of the record: 3 of the 7 juntas in African parties "
                        "since 2020 announced within five years; Gilligan (2006): coup-exposed leaders are those "
                        "the court can reach")
    b_pat: float = _fitted("b_pat", 2.0, 0.0, 5.0, "per unit of patron strength x patron hostility to the court; assumption "
                      "in the 1-3 range (Hungary 2025 and the AES 2025 exits; Kelley 2007, qualitative)")
    b_bias: float = _p(0.5, 0.0, 2.0, "per unit perceived regional bias (African states only); assumption in "
                       "the 0-1 range (qualitative: AU and AES statements)")
    b_leg: float = _fitted("b_leg", 1.0, 0.0, 5.0, "per unit of court legitimacy below its long-run level, times the "
                      "state's stance against the court (0 to 1): how much the court's standing weighs depends "
                      "on the state's own quarrel with it; assumption: a moderate effect (IOs rarely die from "
                      "withdrawals, Eilstrup-Sangiovanni 2020)")
    b_camp: float = _fitted("b_camp", 2.0, 0.0, 6.0, "per unit of a bloc's campaign against the court (the AU's "
                       "2013 and 2016-17 withdrawal debates), times the state's stance: a bloc summit coordinates "
                       "the members already at odds with the court, while the others enter reservations (Nigeria, "
                       "Senegal, Cabo Verde in 2017); assumption in the 1-4 range of b_peer, a threshold-like "
                       "coordination device (science-anchors section 7.2, Granovetter 1978)")
    b_coop: float = _fitted("b_coop", 2.0, 0.0, 4.0, "lowers the log-odds per unit of the government's cooperation "
                       "with the court (it surrendered suspects and relies on the court against its opponents: the "
                       "Central African Republic under Touadera, which kept its Russian security partner but did not "
                       "follow the AES out in 2025); assumption: offsets about the patron-client peer pull")
    junta_peer_weight: float = _p(0.0, 0.0, 1.0, "weight of fellow juntas among a junta's peers; "
                                  "assumption: 0 by default, since the one junta cluster on record (the AES) "
                                  "is already a bloc; scenarios of junta solidarity raise it")
    lead_window_months: int = _p(12, 1, 60, f"{VBV}: lead-state withdrawal in the prior year")
    peer_window_months: int = _p(24, 1, 120, "assumption: an exit keeps weighing on peers for two years")
    regime_change_window_months: int = _p(24, 1, 120, "assumption: a coup or change of government weighs for two years, "
                                         "after the government-orientation change of " + VBV)

    # --- legal pipeline (Rome Statute Art. 127) ---
    notify_rate: float = _p(0.5, 0.0, 1.0, "per month, announced to notified; median lag about 1 month "
                            "(Philippines 3 days, Burundi 9 days, Hungary 60 days)")
    stall_share: float = _p(0.2, 0.0, 1.0, "share of announcements that stall; 10-30 % stall > 3 months "
                            "(Kenya 2013 never notified; AES 2025 > 90 days)")
    stalled_notify_rate: float = _p(0.1, 0.0, 1.0, "per month for stalled announcements; the AES notified about "
                                    "9 months after announcing (Sept 2025 to June 2026), 1/9")
    revoke_rate: float = _fitted("revoke_rate", 0.03, 0.0, 1.0, "per month while announced or notified; 2 of 5 notifications "
                            "revoked 2016-2026, one by a court ruling (South Africa 2017)")
    junta_revoke_factor: float = _p(0.2, 0.0, 1.0, "multiplies revoke_rate under a junta; assumption: no "
                                    "courts or parliament to block the exit (no AES revocation)")
    turnover_revoke_rate: float = _p(0.3, 0.0, 1.0, "per month within the turnover window after a change of "
                                     "government; The Gambia (2017) and Hungary (2026) revoked within about "
                                     "a month of a new government")
    turnover_window_months: int = _p(3, 1, 24, "assumption: a new government acts within its first months")

    # --- coups (Powell & Thyne) ---
    coup_success: float = _p(0.5, 0.0, 1.0, "share of attempts that succeed: 242 of 486 (Powell & Thyne 2011)")
    coup_trap: float = _p(2.3, 1.0, 5.0, "multiplier after an attempt in the trap window: 14.3 % vs 6.1 % "
                          "(Powell & Thyne, computed); Londregan & Poole (1990)")
    coup_trap_months: int = _p(60, 1, 240, "attempt in the prior five years, the window of the "
                               "14.3 % vs 6.1 % comparison (Powell & Thyne data)")
    coup_history_years: int = _p(15, 5, 75, "assumption: base attempt rate from the last 15 years of "
                                 "Powell & Thyne, so that rates reflect the current era")
    coup_prior_years: float = _p(10.0, 0.0, 100.0, "assumption: pseudo-years of the global rate that shrink "
                                 "each state's own rate (partial pooling)")
    coup_multiplier: float = _fitted("coup_multiplier", 1.0, 0.0, 10.0, "scales every state's attempt rate from "
                                      "the Powell & Thyne record of the coup_history_years before the start "
                                      "(1 = that record); also a scenario lever")
    patron_switch: float = _p(0.4, 0.0, 1.0, "chance that a successful coup in Africa brings a Russian patron: "
                              "3 of 8 successful coups in African parties 2020-2023 (Mali, Burkina Faso, Niger)")
    patron_strength_after_switch: float = _p(0.8, 0.0, 1.0, "strength code for deployed security forces "
                                             "(sim/data/SOURCES.md, patronage scale)")
    patron_ramp_months: int = _p(24, 1, 120, "assumption: a new patron's presence builds up over two "
                                 "years (Wagner in Mali from late 2021, Africa Corps in 2024-25)")
    drift_rate: float = _p(0.04, 0.0, 0.5, "per month, share of the gap to the patron pole closed by a junta, "
                           "times patron strength; reproduces the AES drift of -0.6 to -1.1 in four years")
    pole_rus: float = _p(-1.1, -3.0, 3.0, "ideal point Russian clients drift to: mean 2024 ideal point of "
                         "Mali, Burkina Faso, Niger (-1.25, -1.05, -0.98; Bailey-Strezhnev-Voeten)")
    pole_usa_isr: float = _p(2.2, -3.0, 3.0, "ideal point US/Israel clients drift to: USA 2024 (2.21)")
    junta_exit_rate: float = _p(0.02, 0.0, 1.0, "per month, junta hands over to a civilian government; "
                                "assumption: juntas last about four years on average")

    # --- court legitimacy: relaxes to 1, its long-run level ---
    legitimacy_tau_months: float = _fitted("legitimacy_tau_months", 48.0, 6.0, 240.0, "assumption: relaxation "
                                           "time of 3-5 years, the span between the 2016 episode and the "
                                           "court's recovery to 124 parties")
    lam_exit: float = _fitted("lam_exit", 0.075, 0.0, 0.5, "legitimacy lost per withdrawal episode (a month's "
                              "announcements by states sharing a bloc count as one; the later effect is not "
                              "charged again): research notes, science-anchors section 7.5, the 2016 episode "
                              "costs 0.05-0.10 of legitimacy; the mid-point")
    lam_sanc: float = _p(0.002, 0.0, 0.05, "legitimacy lost per month per unit of sanctions level; assumption")
    lam_acc: float = _p(0.01, 0.0, 0.5, "legitimacy gained per accession; smaller than lam_exit (loss aversion)")
    lam_arrest: float = _p(0.03, 0.0, 0.5, "legitimacy gained per high-profile non-African surrender; "
                           "assumption, of the order of one exit")

    # --- accession of non-parties ---
    acc_a0: float = _fitted("acc_a0", -4.0, -12.0, 0.0, "intercept; gives about 0.4 accessions a year in total, the "
                       "trickle since 2012 (Guatemala 2012 to Ukraine 2025: 7 accessions, 0.3-0.6 a year)")
    acc_div: float = _p(1.0, 0.0, 3.0, "lowers the accession hazard per unit of distance from the party "
                        "mean; assumption after Chapman & Chaudoin (2013)")
    acc_grievance: float = _p(3.0, 0.0, 6.0, "lowers the accession hazard per unit of patron strength x "
                              "hostility; assumption after Kelley (2007): great-power pressure kept clients "
                              "from the court; the hostile powers are their own patrons at strength 1")

    @classmethod
    def specs(cls) -> dict[str, dataclasses.Field]:
        """Name to field, in declaration order."""
        return {f.name: f for f in dataclasses.fields(cls)}

    @classmethod
    def build(cls, overrides: Mapping[str, Any], where: str = "parameters") -> "Params":
        """Defaults with validated overrides; unknown names and out-of-range values raise UserError."""
        specs = cls.specs()
        values: dict[str, Any] = {}
        for name, raw in overrides.items():
            if name not in specs:
                raise UserError(f"{where}.{name}: unknown parameter (allowed: {', '.join(specs)})")
            values[name] = coerce(specs[name], raw, f"{where}.{name}")
        return cls(**values)

    def replace(self, overrides: Mapping[str, Any], where: str = "parameters") -> "Params":
        """A copy with validated overrides applied on top of these values."""
        return Params.build({**self.as_dict(), **overrides}, where)

    def as_dict(self) -> dict[str, Any]:
        """Name to value (the values are numbers: no deep copy needed, unlike dataclasses.asdict's)."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}


def coerce(spec: dataclasses.Field, raw: Any, where: str) -> float | int:
    """Check a raw value (number or numeric string) against a parameter's type and range."""
    low, high = spec.metadata["low"], spec.metadata["high"]
    kind = int if spec.type in (int, "int") else float
    try:
        if isinstance(raw, bool):
            raise ValueError
        value = float(raw)
        if kind is int:
            if value != int(value):
                raise ValueError
            value = int(value)
    except (TypeError, ValueError):
        raise UserError(f"{where}: expected {'an integer' if kind is int else 'a number'} "
                        f"in [{low}, {high}], got {raw!r}") from None
    if not low <= value <= high:
        raise UserError(f"{where}: {value} is out of range [{low}, {high}]")
    return value
