"""Hyphens that scrapes of conference sites drop ("stateoftheart", "InfiniteWidth").

Only compounds whose unhyphenated form is not a word are listed, so a restoration is never a guess:
"overparameterized" and "pretraining" are spelled both ways in the literature and stay as written.
A match keeps the letters and their case; only the hyphens come back. A capital after a hyphen in the list
must be a capital in the text too: "OverParametrization" lost a hyphen, "Overparametrization" may not have.
"""

import re

COMPOUNDS = """
    architecture-dependent accuracy-efficiency accuracy-sparsity basis-dependent basis-invariant
    Bayes-optimal bias-variance class-conditional class-invariant closed-form cost-sensitive cross-entropy
    d-dimensional data-adaptive data-fitting decision-making depth-dependent double-descent early-stopped
    epoch-wise estimation-centric fast-learning feature-learning few-shot finite-sample finite-width
    fixed-dataset fixed-width gradient-based ground-truth group-sensitive group-sparse high-dimensional
    high-probability infinite-width label-imbalanced large-scale learning-rate least-squares low-dimensional
    low-rank margin-based matrix-valued max-margin max-norm min-norm minimum-norm model-width model-wise
    multi-channel multi-input network-based one-shot one-vs-all out-of-distribution Over-Parameterization
    Over-Parametrization Polyak-Lojasiewicz projection-free random-feature real-world second-order
    self-supervised semi-definite semi-gradient signal-processing signal-to-noise single-input slower-learning
    state-action state-of-the-art sub-Gaussian sum-of-squares support-vector teacher-student two-class
    two-layer U-shaped user-specified value-based vector-scaling well-calibrated worst-case
    Jun-Kun Shih-Yu Sékou-Oumar
""".split()

RESTORED = {compound.replace("-", "").casefold(): compound for compound in COMPOUNDS}
WORD = re.compile(r"\b[^\W\d_]+\b")


def restore_word(word):
    compound = RESTORED.get(word.casefold())
    if compound is None:
        return word
    letters = iter(word)
    restored = "".join("-" if char == "-" else next(letters) for char in compound)
    joints = [n + 1 for n, char in enumerate(compound) if char == "-"]
    if any(compound[n].isupper() and not restored[n].isupper() for n in joints):
        return word
    return restored


def restore_hyphens(text):
    return WORD.sub(lambda match: restore_word(match.group()), text)


def hyphen_free(name):
    return name.replace("-", "")


def spelled_with_hyphens(names):
    """{name as the page wrote it: the same name with the hyphens the scrape dropped}, for the names whose
    hyphenated spelling is certain: exactly one spelling among names is the same letters, in the same case,
    with hyphens ("AnnaMaria Lee" beside "Anna-Maria Lee")."""
    hyphenated = {}
    for name in names:
        if "-" in name:
            hyphenated.setdefault(hyphen_free(name), set()).add(name)
    return {
        name: next(iter(hyphenated[name]))
        for name in names
        if "-" not in name and len(hyphenated.get(name, ())) == 1
    }
