"""The report's picture: each cluster's targets and actions by score, drawn by
matplotlib at print resolution. Every segment carries its number and a
pattern as well as a colour, so nothing is said by colour alone, and the alt
text says in words what the picture shows."""

from __future__ import annotations

import io
from typing import Any

COLOURS = {5: "#1A9850", 4: "#91CF60", 3: "#FEE08B", 2: "#FC8D59", 1: "#D73027", None: "#BDBDBD"}
HATCHES = {5: "", 4: "//", 3: "..", 2: "\\\\", 1: "xx", None: "--"}
WIDTH_INCHES = 6.3  # the text width of an A4 page with 2 cm margins
DPI = 200


def scores_chart(rows: list[dict[str, Any]], words: dict[int, str]) -> tuple[bytes, str]:
    """A PNG of the clusters' scores (rows as the plan's Summary has them:
    cluster, s5..s1, unscored) and its alt text."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    names = [str(r["cluster"]) for r in rows][::-1]
    height = 1.2 + 0.45 * len(rows)
    figure, axes = pyplot.subplots(figsize=(WIDTH_INCHES, height), dpi=DPI)
    try:
        left = [0] * len(rows)
        for score in (5, 4, 3, 2, 1, None):
            key = f"s{score}" if score else "unscored"
            counts = [int(r.get(key) or 0) for r in rows][::-1]
            label = f"{score} {words.get(score, '')}".strip() if score else "Unscored"
            bars = axes.barh(
                names,
                counts,
                left=left,
                color=COLOURS[score],
                hatch=HATCHES[score],
                edgecolor="#333333",
                linewidth=0.5,
                label=label,
            )
            for bar, count in zip(bars, counts, strict=True):
                if count:
                    axes.text(
                        bar.get_x() + bar.get_width() / 2,
                        bar.get_y() + bar.get_height() / 2,
                        str(count),
                        ha="center",
                        va="center",
                        fontsize=10,
                        color="black",
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
                    )
            left = [a + b for a, b in zip(left, counts, strict=True)]
        axes.set_xlabel("Targets and actions", fontsize=10)
        axes.tick_params(labelsize=10)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(
            fontsize=10,
            ncol=3,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.18 if len(rows) > 3 else -0.3),
            frameon=False,
        )
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=DPI, bbox_inches="tight")
    finally:
        pyplot.close(figure)
    return out.getvalue(), alt_text(rows, words)


def alt_text(rows: list[dict[str, Any]], words: dict[int, str]) -> str:
    """The chart in words: for each cluster, how many targets and actions at each score."""
    said = []
    for r in rows:
        parts = [f"{r.get(f's{n}') or 0} {words.get(n, str(n)).lower()}" for n in (5, 4, 3, 2, 1)]
        parts.append(f"{r.get('unscored') or 0} unscored")
        said.append(f"{r['cluster']}: {', '.join(parts)}.")
    return "Chart of each cluster's targets and actions by score. " + " ".join(said)
