#!/usr/bin/env bash
# maskseg choose on two cross-validated configurations of the same cases: "full" (the images' spacing, 128² patches)
# and "coarse" (target spacing 2, 64² patches), each with 2 folds, then their comparison with the ensemble of both.
# Prints the choice and the disk cost of the kept validation probabilities; passes or fails nothing.
#
#   bench/choose.sh [DATA_DIR] [CASES] [EPOCHS] [ITERATIONS] [WORK_DIR]
#       (defaults: sample-data/nuclei, 16, 4, 15, a new temporary folder; DATA_DIR holds images/ and labels/)
#
# Final lines:
#   RESULT choose full_dice=… coarse_dice=… ensemble_dice=… best=…
#   RESULT choose_time full_train_s=… coarse_train_s=… choose_s=… probabilities_bytes_per_case=…
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-$here/sample-data/nuclei}"
cases="${2:-16}"
epochs="${3:-4}"
iterations="${4:-15}"
work="${5:-$(mktemp -d)}"
mkdir -p "$work/images" "$work/labels"
for f in $(ls "$data/images" | sort | head -n "$cases"); do
    cp "$data/images/$f" "$work/images/"
    cp "$data/labels/$f" "$work/labels/"
done
ms() { "$here/maskseg" "$@"; }
seconds() { local t0=$SECONDS; "$@" > "$work/last.log" 2>&1 || { cat "$work/last.log"; exit 1; }; echo $(( SECONDS - t0 )); }
common=(--images "$work/images" --labels "$work/labels" --folds 2 --epochs "$epochs" --iterations "$iterations"
    --validation-iterations 3 --batch-size 4 --device cpu)
full_s=$(seconds ms train "${common[@]}" --out "$work/full.zip" --patch 128,128 \
    --plan-overrides '{"network":{"features":[16,32,64,128,256,256]}}')
coarse_s=$(seconds ms train "${common[@]}" --out "$work/coarse.zip" --patch 64,64 \
    --plan-overrides '{"targetSpacing":[2,2],"network":{"features":[16,32,64,128,256]}}')
choose_s=$(seconds ms choose --model "$work/full.zip" --model "$work/coarse.zip" --labels "$work/labels" \
    --out "$work/choice.json")
cat "$work/last.log"
bytes=$(cat "$work"/full-training/fold_*/validation/*_probabilities.nii.gz | wc -c)
python3 - "$work/choice.json" "$full_s" "$coarse_s" "$choose_s" $(( bytes / cases )) <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
d = [x["mean_dice"] for x in c["candidates"]]
print(f"RESULT choose full_dice={d[0]:.4f} coarse_dice={d[1]:.4f} ensemble_dice={d[2]:.4f} best={c['best']['name'].replace(' ', '')}")
print(f"RESULT choose_time full_train_s={sys.argv[2]} coarse_train_s={sys.argv[3]} choose_s={sys.argv[4]} "
      f"probabilities_bytes_per_case={sys.argv[5]}")
PY
