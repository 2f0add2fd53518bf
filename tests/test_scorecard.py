"""Scorecard RAG, direction of travel and the table, on cases worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from cpanalysis import scorecard


@pytest.mark.parametrize(
    "value, target, polarity, tol, expected",
    [
        (70, 68, "high", 5, "Green"),
        (68, 68, "high", 5, "Green"),
        (64, 68, "high", 5, "Amber"),
        (63, 68, "high", 5, "Amber"),
        (62.9, 68, "high", 5, "Red"),
        (400, 426, "low", 30, "Green"),
        (426, 426, "low", 30, "Green"),
        (456, 426, "low", 30, "Amber"),
        (457, 426, "low", 30, "Red"),
        (500, None, "low", 30, ""),
        (None, 426, "low", 30, ""),
        (5, 1, "context", 0, ""),
    ],
)
def test_rag(value, target, polarity, tol, expected):
    assert scorecard.rag(value, target, polarity, tol) == expected


@pytest.mark.parametrize(
    "current, previous, polarity, expected",
    [
        (70, 65, "high", "Improving"),
        (60, 65, "high", "Worsening"),
        (400, 450, "low", "Improving"),
        (460, 450, "low", "Worsening"),
        (5, 5, "low", "No change"),
        (10, 8, "context", "Up"),
        (None, 8, "high", ""),
    ],
)
def test_direction(current, previous, polarity, expected):
    assert scorecard.direction(current, previous, polarity) == expected


def test_build_suppresses_small_counts_and_rates_the_latest_quarter():
    targets = scorecard.load_targets()
    targets = targets[targets["measure"].isin(["cla_at_end", "adopted", "A1"])]
    values = {
        "Year end 2019-20": pd.DataFrame({"measure": ["cla_at_end", "adopted", "A1"], "value": [500, 24, 450.0]}),
        "Q1 2020-21": pd.DataFrame({"measure": ["cla_at_end", "adopted", "A1"], "value": [510, 3, 380.0]}),
    }
    card = scorecard.build(values, targets, comments={"G1": "Rising"}).set_index("Ref")
    # cla 510 shown; adopted 3 -> [c]; A1 over those 3 children -> [c], but RAG still judged: 380 <= 426 Green
    assert card.loc["G1", "Q1 2020-21"] == "510" and card.loc["G1", "Direction of travel"] == "Up"
    assert card.loc["P2.11", "Q1 2020-21"] == "[c]" and card.loc["P2.13", "Q1 2020-21"] == "[c]"
    assert card.loc["P2.13", "Year end 2019-20"] == "450"
    assert card.loc["P2.13", "RAG"] == "Green" and card.loc["P2.13", "Direction of travel"] == "Improving"
    assert card.loc["G1", "Comment"] == "Rising"
    page = scorecard.to_html(card.reset_index())
    assert "Green" in page and "▲ Improving" in page and "#1a9850" in page
