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
# # 政府信息公开工作年度报告 · report-kit template
#
# One agency-year per run. Cells tagged `review` (parameters, figures, findings, code) are for reviewers and are removed from the published `report.html`; the cells at the end display the report itself, section by section. Run top to bottom as it is to see the bundled seed report; `report-kit run` executes it with papermill for any params file.

# %% tags=["parameters", "review"]
# Parameters: papermill injects the real values per agency-year in the cell after this one.
params_path = "../params/2019/zhuzhou-county-kgxj.yaml"
params_sha256 = None  # content hash of params_path when the run was scheduled
previous_path = None  # params/<year-1>/<slug>.yaml, when it exists

# %% [markdown] tags=["review"]
# ## 1. 载入并校验参数 (load and validate)

# %% tags=["review"]
from report_kit import compose, load_params, run_checks
from report_kit import notebook as nbk

ay = load_params(params_path, expected_sha256=params_sha256)
previous = load_params(previous_path) if previous_path else None
nbk.show_run(ay, params_path, params_sha256, previous_path)

# %% [markdown] tags=["review"]
# ## 2. 检查结果 (findings: read these first, as on the review page)

# %% tags=["review"]
findings = run_checks(ay, previous)
nbk.show_findings(findings)

# %% [markdown] tags=["review"]
# ## 3. 报表数据 (the figures this run used)

# %% tags=["review"]
nbk.show_figures(ay)

# %% [markdown] tags=["review"]
# ## 4. 报告正文 (narrative) and run record

# %% tags=["review"]
sections = compose(ay, previous)
nbk.record(ay, findings, sections, params_sha256)

# %% [markdown] tags=["review"]
# ## 5. 发布内容 (the published report: the cells below are what report.html shows)

# %%
nbk.show_title(ay)

# %%
for section in sections:  # the form's sections in official order, each with its table
    nbk.show_section(sections, ay, section.key)

# %%
nbk.show_signature(ay)
