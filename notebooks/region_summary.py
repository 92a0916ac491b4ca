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
# Parameters: papermill injects the real values in the cell after this one.
params_root = "../params"
year = 2024
parent = None  # a registry slug or parent name: only that subtree
as_of = None  # ISO date the filings are judged on (None: today)
registry = None  # agency registry (None: <params_root>/agencies.yaml)
inputs_sha256 = None  # digest of the registry and params when the run was scheduled
lang = None  # language of the headings: "zh_CN" or "en" (None: REPORT_KIT_LANG, else Chinese)

# %% tags=["review"]
from report_kit import notebook as nbk

nbk.use_language(lang)
nbk.heading("region_intro")

# %% tags=["review"]
nbk.heading("region_load")

# %% tags=["review"]
from report_kit import region as rg

region = rg.collect(params_root, year, parent=parent, registry=registry, today=rg.parse_day(as_of),
                    expected_sha256=inputs_sha256)
summary = rg.summarize(region)
rows = rg.agency_rows(region)
rg.show_inputs(region)

# %% tags=["review"]
nbk.heading("region_problems")

# %% tags=["review"]
rg.show_problems(region)
rg.record(region)

# %% tags=["review"]
nbk.heading("region_publish")

# %%
rg.show_title(region)

# %%
rg.show_filings(summary)

# %%
rg.show_applications(summary)

# %%
rg.show_cases(summary)

# %%
rg.show_checks(summary)

# %%
rg.show_sums(summary)

# %%
rg.show_agencies(summary, rows)
