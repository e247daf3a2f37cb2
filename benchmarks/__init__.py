"""Speed figures for the README: `make bench` (python -m benchmarks).

Each module ``bench_*.py`` exposes ``run(report)``; ``report(section, rows)`` prints a table.
Figures are measured on the machine that runs them; comparisons are ratios from the same run.
"""
