"""The words a reader sees for the model's codes: patrons, covariates, parameters, outcomes and
sensitivity indices. One mapping, used by every figure and brief, so that a name never reads
differently in two places. Codes without an entry are shown as they are."""

PATRONS = {
    "NONE": "no patron",
    "RUS": "Russia",
    "USA_ISR": "United States / Israel",
    "FRA_EU": "France / EU",
    "CHN": "China",
}

COVARIATES = {  # terms of the withdrawal-announcement logit (sim.model.rules.TERMS), as the risk figure names them
    "hostile_alignment": "votes toward the court-hostile pole",
    "lead": "a bloc leader's exit",
    "peer": "peers leaving",
    "exposure": "exposure to the court",
    "regime_change": "recent change of government",
    "junta_grievance": "junta with a hostile patron",
    "patron_grievance": "hostile patron",
    "bias": "perceived anti-African bias",
    "legitimacy": "the court's lost legitimacy",
    "campaign": "a bloc's campaign against the court",
    "cooperation": "cooperation with the court",
    "pressure": "scenario pressure",
}

PARAMETERS = {
    "a0": "base announcement rate (log-odds)",
    "b_div": "effect of distance from the parties' votes",
    "b_lead": "effect of a bloc leader's exit",
    "b_peer": "effect of peers leaving",
    "b_exp": "effect of exposure to the court",
    "b_rc": "effect of a recent regime change",
    "b_junta": "effect of a junta with a hostile patron",
    "b_pat": "effect of a hostile patron",
    "b_bias": "effect of perceived anti-African bias",
    "b_leg": "effect of the court's lost legitimacy",
    "b_camp": "effect of a bloc's campaign against the court",
    "b_coop": "effect of cooperation with the court",
    "junta_peer_weight": "weight of fellow juntas as peers",
    "lead_window_months": "months a leader's exit weighs",
    "peer_window_months": "months a peer's exit weighs",
    "regime_change_window_months": "months a regime change weighs",
    "notify_rate": "monthly rate of notifying after announcing",
    "stall_share": "share of announcements that stall",
    "stalled_notify_rate": "monthly notification rate when stalled",
    "revoke_rate": "monthly revocation rate",
    "junta_revoke_factor": "revocation rate factor under a junta",
    "turnover_revoke_rate": "monthly revocation rate after a change of government",
    "turnover_window_months": "months a new government may revoke",
    "coup_success": "share of coup attempts that succeed",
    "coup_trap": "coup-trap multiplier",
    "coup_trap_months": "months of the coup trap",
    "coup_history_years": "years of coup history for base rates",
    "coup_prior_years": "pooling of coup rates (pseudo-years)",
    "coup_multiplier": "coup rate multiplier",
    "patron_switch": "chance a coup brings a Russian patron",
    "patron_strength_after_switch": "strength of a new patron",
    "patron_ramp_months": "months a new patron takes to build up",
    "drift_rate": "juntas' monthly drift toward the patron",
    "pole_rus": "UN-vote position of Russian clients",
    "pole_usa_isr": "UN-vote position of US / Israeli clients",
    "junta_exit_rate": "monthly rate of juntas handing over",
    "legitimacy_tau_months": "months for legitimacy to recover",
    "lam_exit": "legitimacy lost per withdrawal episode",
    "lam_sanc": "legitimacy lost to sanctions per month",
    "lam_acc": "legitimacy gained per accession",
    "lam_arrest": "legitimacy gained per non-African arrest",
    "acc_a0": "base accession rate (log-odds)",
    "acc_div": "accession: effect of distance from the parties' votes",
    "acc_grievance": "accession: effect of a hostile patron",
}

OUTCOMES = {
    "parties_end_mean": "States Parties at the end",
    "further_exits_mean": "further exits by the end",
    "p_further_exit": "chance of at least one further exit",
}

INDICES = {  # sensitivity indices and what they measure
    "S1": "first-order (the parameter alone)",
    "ST": "total (with interactions)",
    "mu_star": "mean absolute effect (mu*)",
    "sigma": "spread of effects (sigma)",
}


def patron(code: str) -> str:
    return PATRONS.get(code, code)


def covariate(code: str) -> str:
    return COVARIATES.get(code, code)


def parameter(name: str) -> str:
    return PARAMETERS.get(name, name)


def outcome(name: str) -> str:
    return OUTCOMES.get(name, name)


def index(name: str) -> str:
    return INDICES.get(name, name)
