# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters", "review"]
# Parameters: papermill injects the real values per agency-year in the cell after this one.
params_path = "../params/2019/zhuzhou-county-kgxj.yaml"
params_sha256 = None  # content hash of params_path when the run was scheduled
previous_path = None  # params/<year-1>/<slug>.yaml, when it exists
lang = None  # language of the headings: "zh_CN" or "en" (None: REPORT_KIT_LANG, else Chinese)

# %% tags=["review"]
from report_kit import notebook as nbk

nbk.use_language(lang)
nbk.heading("intro")

# %% tags=["review"]
nbk.heading("load")

# %% tags=["review"]
from report_kit import compose, load_params, run_checks

ay = load_params(params_path, expected_sha256=params_sha256)
previous = load_params(previous_path) if previous_path else None
nbk.show_run(ay, params_path, params_sha256, previous_path)

# %% tags=["review"]
nbk.heading("findings")

# %% tags=["review"]
findings = run_checks(ay, previous)
nbk.show_findings(findings)

# %% tags=["review"]
nbk.heading("figures")

# %% tags=["review"]
nbk.show_figures(ay)

# %% tags=["review"]
nbk.heading("narrative")

# %% tags=["review"]
sections = compose(ay, previous)
nbk.record(ay, findings, sections, params_sha256)

# %% tags=["review"]
nbk.heading("publish")

# %%
nbk.show_title(ay)

# %%
for section in sections:  # the form's sections in official order, each with its table
    nbk.show_section(sections, ay, section.key)

# %%
nbk.show_signature(ay)
