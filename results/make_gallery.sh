#!/usr/bin/env bash
# Regenerate the example figures in results/figures/ shown in the README, and the first page of a sample
# brief (about five minutes on 2 cores; needs pdftoppm from poppler-utils).
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
iccsim run baseline --runs 500 --seed 7 --out "$work/baseline"
iccsim plot "$work/baseline" --size double --kind map
iccsim compare baseline sahel-contagion russian-patronage-surge coup-wave us-sanctions-escalation \
  israel-solidarity african-exodus major-member-exit court-rebalancing democratic-return --runs 500 --seed 1 \
  --out "$work/compare"
iccsim plot "$work/compare" --size double --kind compare --kind difference --kind cascade
iccsim report "$work/compare"
iccsim sweep baseline --vary b_peer=1:4:4 --vary b_junta=0:4:5 --runs 50 --seed 1 --out "$work/grid"
iccsim sweep baseline --design sobol --samples 64 --vary a0=-9:-6.5 --vary b_peer=1:4 --vary b_junta=0:4 \
  --vary b_pat=1:3 --runs 20 --seed 1 --out "$work/sobol"
mkdir -p figures
for kind in membership population cascade risk map; do cp "$work/baseline/figures/$kind.png" "figures/baseline-$kind.png"; done
cp "$work/compare/figures/compare.png" figures/compare.png
cp "$work/compare/figures/difference.png" figures/compare-difference.png
cp "$work/compare/figures/cascade.png" figures/compare-cascade.png
cp "$work/grid/figures/heatmap.png" figures/sweep-heatmap.png
cp "$work/sobol/figures/sensitivity.png" figures/sobol-sensitivity.png
pdftoppm -png -r 110 -f 1 -l 1 -singlefile "$work/compare/report/brief.pdf" figures/brief-page1
