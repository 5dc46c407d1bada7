#!/usr/bin/env bash
# Held-out nucleus Dice and time of one network against the ensemble of a 5-fold cross-validation, with and without
# the postprocessing the validation chose, on the bundled nuclei (32 cases trained, the last 8 by name held out).
# Prints numbers; passes or fails nothing.
#
#   bench/folds.sh [EPOCHS] [ITERATIONS] [WORK_DIR]      (defaults: 10, 15, a new temporary folder)
#
# Final lines:
#   RESULT folds single_dice=… ensemble_dice=… ensemble_nopp_dice=… single_nopp_dice=…
#   RESULT folds_time train_s=… single_predict_s=… ensemble_predict_s=…
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
epochs="${1:-10}"
iterations="${2:-15}"
work="${3:-$(mktemp -d)}"
data="$here/sample-data/nuclei"
source "$here/bench/nuclei-split.sh"
split_nuclei "$data" "$work"
ms() { "$here/maskseg" "$@"; }
seconds() { local t0=$SECONDS; "$@" > "$work/last.log" 2>&1; echo $(( SECONDS - t0 )); }

options=(--images "$work/train/images" --labels "$work/train/labels" --epochs "$epochs" --iterations "$iterations"
    --validation-iterations 3 --patch 128,128 --batch-size 4)
train_s=$(seconds ms train "${options[@]}" --folds 5 --out "$work/cv.zip")
cp "$work/last.log" "$work/cv.log"
# fold 0 alone, as its own model with the postprocessing its validation chooses (same network as in the ensemble)
ms train "${options[@]}" --fold 0 --out "$work/single.zip" > "$work/single.log" 2>&1
predict() { # model out-folder [extra options]
    local model=$1 out=$2
    shift 2
    seconds ms predict --model "$model" --images "$work/test/images" --out "$out" "$@"
}
dice() { # predictions
    ms evaluate --reference "$work/test/labels" --prediction "$1" --json "$1.json" > /dev/null
    python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["mean_dice"])' "$1.json"
}
single_s=$(predict "$work/single.zip" "$work/single")
predict "$work/single.zip" "$work/single-nopp" --no-postprocessing > /dev/null
ensemble_s=$(predict "$work/cv.zip" "$work/ensemble")
predict "$work/cv.zip" "$work/ensemble-nopp" --no-postprocessing > /dev/null
echo "single network: $(grep -h -o 'postprocessing decided.*' "$work/single.log" | tail -1)"
echo "ensemble:       $(grep -h -o 'postprocessing decided.*' "$work/cv.log" | tail -1)"
echo "RESULT folds single_dice=$(dice "$work/single") ensemble_dice=$(dice "$work/ensemble")" \
    "ensemble_nopp_dice=$(dice "$work/ensemble-nopp") single_nopp_dice=$(dice "$work/single-nopp")"
echo "RESULT folds_time train_s=$train_s single_predict_s=$single_s ensemble_predict_s=$ensemble_s"
echo "work folder: $work"
