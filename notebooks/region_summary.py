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

# %% [markdown] tags=["review"]
# # 政府信息公开工作年度报告汇总 · report-kit region template
#
# One region-year per run: every registered agency under `parent` (all of them when it is None) for `year`. Cells tagged `review` are removed from the published `report.html`; the cells at the end display the region report itself. `report-kit region --year Y [--parent SLUG]` executes it with papermill; run it as it is in JupyterLab to see the bundled params.

# %% tags=["parameters", "review"]
# Parameters: papermill injects the real values in the cell after this one.
params_root = "../params"
year = 2024
parent = None  # a registry slug or parent name: only that subtree
as_of = None  # ISO date the filings are judged on (None: today)
registry = None  # agency registry (None: <params_root>/agencies.yaml)
inputs_sha256 = None  # digest of the registry and params when the run was scheduled

# %% [markdown] tags=["review"]
# ## 1. 载入 (the region, its filings and each agency's checks)

# %% tags=["review"]
from report_kit import region as rg

region = rg.collect(params_root, year, parent=parent, registry=registry, today=rg.parse_day(as_of),
                    expected_sha256=inputs_sha256)
summary = rg.summarize(region)
rows = rg.agency_rows(region)
rg.show_inputs(region)

# %% [markdown] tags=["review"]
# ## 2. 待处理事项 (missing, late, invalid, errors: read these first)

# %% tags=["review"]
rg.show_problems(region)
rg.record(region)

# %% [markdown] tags=["review"]
# ## 3. 发布内容 (the cells below are what report.html shows)

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
