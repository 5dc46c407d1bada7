#!/usr/bin/env bash
# Held-out nucleus Dice and time per training step of the plain U-Net against nnU-Net's residual encoder U-Net
# (--preset resenc-m), trained with the same step budget, patch and batch on the bundled nuclei (32 cases
# trained, the last 8 by name held out, as bench/folds.sh splits them). Prints numbers; passes or fails nothing.
#
#   bench/resenc.sh [EPOCHS] [ITERATIONS] [WORK_DIR]      (defaults: 10, 15, a new temporary folder)
#
# Final lines:
#   RESULT resenc plain_dice=… resenc_m_dice=… plain_ms_per_step=… resenc_m_ms_per_step=… load_before=… load_after=…
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
epochs="${1:-10}"
iterations="${2:-15}"
work="${3:-$(mktemp -d)}"
data="$here/sample-data/nuclei"
source "$here/bench/nuclei-split.sh"
split_nuclei "$data" "$work"
ms() { "$here/maskseg" "$@"; }
load() { cut -d' ' -f1 /proc/loadavg; }

# the same data, steps, patch and batch for both networks: only the planned network differs
options=(--images "$work/train/images" --labels "$work/train/labels" --epochs "$epochs" --iterations "$iterations"
    --validation-iterations 3 --patch 128,128 --batch-size 4 --device cpu --seed 1 --no-final-validation)
load_before=$(load)
declare -A dice step
for variant in plain resenc-m; do
    preset=()
    if [[ $variant != plain ]]; then preset=(--preset "$variant"); fi
    ms train "${options[@]}" "${preset[@]}" --out "$work/$variant.zip" > "$work/$variant.log" 2>&1
    step[$variant]=$(grep -o '([0-9.]* ms per step)' "$work/$variant.log" | tail -1 | tr -dc '0-9.')
    ms predict --model "$work/$variant.zip" --images "$work/test/images" --out "$work/$variant-pred" --device cpu \
        > /dev/null
    ms evaluate --reference "$work/test/labels" --prediction "$work/$variant-pred" --json "$work/$variant.json" \
        > /dev/null
    dice[$variant]=$(python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["mean_dice"])' \
        "$work/$variant.json")
done
echo "RESULT resenc plain_dice=${dice[plain]} resenc_m_dice=${dice[resenc-m]}" \
    "plain_ms_per_step=${step[plain]} resenc_m_ms_per_step=${step[resenc-m]}" \
    "load_before=$load_before load_after=$(load)"
echo "work folder: $work"
