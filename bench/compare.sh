#!/usr/bin/env bash
# MaskSeg (Java, DJL) against plain PyTorch from Python, same cases, same machine, same thread count.
#
#   bench/compare.sh cpu     scaled-down cases that fit a small CPU machine
#   bench/compare.sh gpu     nnU-Net's full default cases on the first CUDA GPU
#
# First checks that both compute the same training step (CHECK lines), then times them. Ends with one line
# per case; ratio is always MaskSeg time / PyTorch time (> 1: MaskSeg is slower):
#   RESULT train_2d maskseg_ms=<median ms/step> pytorch_ms=<...> ratio=<...> maskseg_cpu_ms=<...> pytorch_cpu_ms=<...>
#   RESULT train_2d_precision maskseg_fp32_ms=<...> maskseg_fp16_ms=<...> pytorch_fp32_ms=<...> pytorch_fp16_ms=<...>
#          pytorch_bf16_ms=<...> fp16_ratio=<maskseg fp16 / pytorch fp16> fp16_vs_bf16=<maskseg fp16 / pytorch bf16>
#          maskseg_fp16_speedup=<maskseg fp32 / fp16> pytorch_fp16_speedup=<...> pytorch_bf16_speedup=<...>
#   (mixed precision: MaskSeg --precision fp16 with loss scaling, Python autocast fp16 + GradScaler and autocast
#   bf16; on a GPU at the sizes of the fp32 case, on the CPU at smaller sizes because half precision is many
#   times slower there; a variant this PyTorch cannot run, e.g. fp16 autocast on the CPU of PyTorch 1.13, shows nan)
#   RESULT predict_2d maskseg_vox_s=<voxels/s> pytorch_vox_s=<...> ratio=<pytorch_vox_s / maskseg_vox_s>
#          maskseg_overhead=<whole / raw passes> pytorch_overhead=<...> maskseg_cpu_s=<...> pytorch_cpu_s=<...>
# Environment (all optional):
#   PYTHON          interpreter with torch (default: /usr/bin/python3 if it has torch, else python3)
#   THREADS         CPU threads for both sides (default 2)
#   MASKSEG_DEVICE  MaskSeg device (cpu: cpu, gpu: gpu:0);  TORCH_DEVICE  PyTorch device (cpu / cuda:0)
#   JAVA_OPTS       JVM options (default -Xmx8g); -Dai.djl.offline=true is always added
#   MVN_OPTS        extra Maven options for the build, e.g. -o to stay offline
#   CASES           space-separated subset of: train_2d train_3d predict_2d predict_3d
#   PRECISIONS      "no" skips the mixed-precision variants of the training cases (default: yes)
#   DRY_RUN         "1": build, run the agreement check (CHECK lines), print what would be timed, time nothing
# On a GPU, MaskSeg needs a CUDA build of libtorch 2.7.1 that DJL can load: set PYTORCH_LIBRARY_PATH (the
# folder with libtorch.so, e.g. site-packages/torch/lib of a torch 2.7.1+cu128 wheel), PYTORCH_VERSION=2.7.1
# and PYTORCH_FLAVOR=cu128 (see org.maskseg.core.engine.TorchRuntime). Nothing is installed or downloaded.
set -euo pipefail

mode="${1:-}"
if [[ "$mode" != cpu && "$mode" != gpu ]]; then
    echo "usage: bench/compare.sh cpu|gpu   (see the comment at the top of this script)" >&2
    exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reference="$root/bench/reference/unet_reference.py"
threads="${THREADS:-2}"

# --- prerequisites: nothing is installed here, only checked ---------------------------------------------
if [[ -z "${PYTHON:-}" ]]; then
    if /usr/bin/python3 -c 'import torch' 2>/dev/null; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
if ! command -v "$PYTHON" >/dev/null 2>&1 || ! "$PYTHON" -c 'import torch' 2>/dev/null; then
    cat >&2 <<EOF
No PyTorch found for '$PYTHON'. Install one, then run again (or point PYTHON to an interpreter that has it):
  Debian/Ubuntu, CPU:   apt-get install python3-torch        (then PYTHON=/usr/bin/python3)
  any OS, CPU or CUDA:  python3 -m pip install torch         (see https://pytorch.org/get-started/)
EOF
    exit 2
fi
for tool in java mvn; do
    command -v "$tool" >/dev/null 2>&1 || { echo "'$tool' is needed to build and run the MaskSeg side" >&2; exit 2; }
done
if [[ "$mode" == gpu ]]; then
    maskseg_device="${MASKSEG_DEVICE:-gpu:0}"
    torch_device="${TORCH_DEVICE:-cuda:0}"
    if ! "$PYTHON" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)'; then
        echo "PyTorch ($("$PYTHON" -c 'import torch; print(torch.__version__)')) sees no CUDA GPU; use 'cpu' mode" >&2
        exit 2
    fi
    if [[ -z "${PYTORCH_LIBRARY_PATH:-}" ]]; then
        echo "note: PYTORCH_LIBRARY_PATH is not set; MaskSeg will only find a GPU if DJL's cache already holds a" >&2
        echo "      CUDA build of libtorch 2.7.1 (the bundled native library is CPU-only)" >&2
    fi
else
    maskseg_device="${MASKSEG_DEVICE:-cpu}"
    torch_device="${TORCH_DEVICE:-cpu}"
fi

# --- cases ----------------------------------------------------------------------------------------------
# Java options (x first) and Python options (tensor order) describe the same case.
if [[ "$mode" == gpu ]]; then
    train_2d=(--dims 2 --size 512 --batch 12 --stages 7 --warmup 5 --steps 20)
    train_3d=(--dims 3 --size 128 --batch 2 --stages 6 --warmup 5 --steps 20)
    train_2d_amp=("${train_2d[@]}")
    train_3d_amp=("${train_3d[@]}")
    predict_2d_java=(--image 2048,2048 --patch 512,512 --stages 7 --repeats 3)
    predict_2d_py=(--image 2048 2048 --patch 512 512 --stages 7 --repeats 3)
    predict_3d_java=(--image 256,256,256 --patch 128,128,128 --stages 6 --repeats 3)
    predict_3d_py=(--image 256 256 256 --patch 128 128 128 --stages 6 --repeats 3)
else
    train_2d=(--dims 2 --size 128 --batch 2 --stages 5 --warmup 3 --steps 10)
    train_3d=(--dims 3 --size 64 --batch 1 --stages 5 --warmup 1 --steps 3)
    # half precision is many times slower than single precision on CPUs: smaller cases for the precision variants
    train_2d_amp=(--dims 2 --size 64 --batch 2 --stages 4 --warmup 1 --steps 2)
    train_3d_amp=(--dims 3 --size 32 --batch 1 --stages 4 --warmup 1 --steps 2)
    predict_2d_java=(--image 256,256 --patch 128,128 --stages 5 --repeats 5)
    predict_2d_py=(--image 256 256 --patch 128 128 --stages 5 --repeats 5)
    predict_3d_java=(--image 96,96,96 --patch 64,64,64 --stages 5 --repeats 2)
    predict_3d_py=(--image 96 96 96 --patch 64 64 64 --stages 5 --repeats 2)
fi
cases="${CASES:-train_2d train_3d predict_2d predict_3d}"
precisions="${PRECISIONS:-yes}"
for c in $cases; do
    case "$c" in
        train_2d | train_3d | predict_2d | predict_3d) ;;
        *) echo "unknown case '$c' (train_2d train_3d predict_2d predict_3d)" >&2; exit 2 ;;
    esac
done
if [[ "$precisions" != yes && "$precisions" != no ]]; then
    echo "PRECISIONS must be yes or no, got '$precisions'" >&2
    exit 2
fi

# --- build the MaskSeg side once (no install into the local repository) ----------------------------------
echo "building MaskSeg benchmarks ..." >&2
# shellcheck disable=SC2086
mvn -B -q -ntp -Dstyle.color=never ${MVN_OPTS:-} -f "$root/pom.xml" -pl bench -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile="$root/bench/target/classpath.txt" >&2
classpath="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
# shellcheck disable=SC2086
java_cmd=(java ${JAVA_OPTS:--Xmx8g} -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
    -cp "$classpath")

log="$(mktemp -d "${TMPDIR:-/tmp}/maskseg-compare.XXXXXX")"
echo "mode $mode, $threads thread(s), MaskSeg device $maskseg_device, PyTorch device $torch_device; logs in $log"
echo "$(nproc) CPU(s); load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# field <file> <tag> <case> <key>: value of key=... on the line "<tag> <case> ..."
field() {
    awk -v tag="$2" -v c="$3" -v k="$4" '$1 == tag && $2 == c {
        for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) v = kv[2] } } END { print v }' "$1"
}
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "nan" || b == "nan" || b == 0) print "nan"
        else printf "%.3f", a / b }'
}

# --- are both sides computing the same thing? -------------------------------------------------------------
# One training step on a small case from identical weights: loss, gradient norm and updated weights must
# agree to float32 rounding, or the timings below would compare different computations.
for d in 2 3; do
    size=$((d == 2 ? 32 : 16))
    "$PYTHON" "$reference" export --dims "$d" --size "$size" --out "$log/check_${d}d" >/dev/null
    if ! "${java_cmd[@]}" org.maskseg.bench.ReferenceCheck "$log/check_${d}d" 2>"$log/check_${d}d.err" \
        | tee "$log/check_${d}d.txt"; then
        echo "MaskSeg and the PyTorch reference disagree (see $log/check_${d}d.*); not timing them" >&2
        exit 1
    fi
done

if [[ "${DRY_RUN:-}" == 1 ]]; then
    for c in $cases; do
        case "$c" in
            train_2d | train_3d)
                declare -n opts="$c" aopts="${c}_amp"
                echo "would time $c: MaskSeg fp32 and PyTorch fp32 with ${opts[*]}"
                if [[ "$precisions" == yes ]]; then
                    echo "would time ${c}_precision: MaskSeg fp32 and fp16, PyTorch fp32, fp16 and bf16 autocast" \
                        "with ${aopts[*]}"
                fi
                unset -n opts aopts
                ;;
            *)
                declare -n jopts="${c}_java"
                echo "would time $c: MaskSeg and PyTorch sliding-window prediction with ${jopts[*]}"
                unset -n jopts
                ;;
        esac
    done
    echo "dry run: agreement checked, nothing timed"
    exit 0
fi

# train_variant <side> <precision> <case> <tag> <options...>: ms per step of one training variant ("" if none)
train_variant() {
    local side="$1" precision="$2" c="$3" tag="$4"
    shift 4
    local out="$log/$tag.$side.$precision.txt"
    if [[ "$side" == maskseg ]]; then
        "${java_cmd[@]}" org.maskseg.bench.TrainStepBench "$@" --threads "$threads" --device "$maskseg_device" \
            --forward false --precision "$precision" --case "$tag" >"$out" 2>&1 || true
        cat "$out" >&2
        field "$out" BENCH "$tag" ms_per_step
    else
        local amp=()
        if [[ "$precision" != fp32 ]]; then amp=(--amp "$precision"); fi
        "$PYTHON" "$reference" train "$@" --threads "$threads" --device "$torch_device" --case "$tag" "${amp[@]}" \
            >"$out" 2>&1 || true
        cat "$out" >&2
        field "$out" REFERENCE "$tag" ms_per_step
    fi
}

results=()
for c in $cases; do
    echo "== $c" >&2
    case "$c" in
        train_2d | train_3d)
            declare -n opts="$c"
            "${java_cmd[@]}" org.maskseg.bench.TrainStepBench "${opts[@]}" --threads "$threads" \
                --device "$maskseg_device" --forward false --case "$c" | tee "$log/$c.maskseg.txt" >&2
            "$PYTHON" "$reference" train "${opts[@]}" --threads "$threads" --device "$torch_device" --case "$c" \
                | tee "$log/$c.pytorch.txt" >&2
            m=$(field "$log/$c.maskseg.txt" BENCH "$c" ms_per_step)
            p=$(field "$log/$c.pytorch.txt" REFERENCE "$c" ms_per_step)
            mp=$(field "$log/$c.maskseg.txt" BENCH "$c" parameters)
            pp=$(field "$log/$c.pytorch.txt" REFERENCE "$c" parameters)
            if [[ "$mp" != "$pp" ]]; then
                echo "WARNING $c: the networks differ ($mp MaskSeg parameters, $pp PyTorch parameters)" >&2
            fi
            results+=("RESULT $c maskseg_ms=$m pytorch_ms=$p ratio=$(ratio "$m" "$p") maskseg_cpu_ms=$(field \
                "$log/$c.maskseg.txt" BENCH "$c" cpu_ms) pytorch_cpu_ms=$(field "$log/$c.pytorch.txt" REFERENCE "$c" cpu_ms)")
            if [[ "$precisions" == yes ]]; then
                declare -n aopts="${c}_amp"
                tag="${c}_precision"
                echo "== $tag" >&2
                if [[ "$mode" == gpu ]]; then
                    m32="$m"  # same case as the fp32 comparison above
                    p32="$p"
                else
                    m32=$(train_variant maskseg fp32 "$c" "$tag" "${aopts[@]}")
                    p32=$(train_variant pytorch fp32 "$c" "$tag" "${aopts[@]}")
                fi
                m16=$(train_variant maskseg fp16 "$c" "$tag" "${aopts[@]}")
                p16=$(train_variant pytorch fp16 "$c" "$tag" "${aopts[@]}")
                pbf=$(train_variant pytorch bf16 "$c" "$tag" "${aopts[@]}")
                results+=("RESULT $tag maskseg_fp32_ms=$m32 maskseg_fp16_ms=$m16 pytorch_fp32_ms=$p32 pytorch_fp16_ms=$p16 \
pytorch_bf16_ms=$pbf fp16_ratio=$(ratio "$m16" "$p16") fp16_vs_bf16=$(ratio "$m16" "$pbf") \
maskseg_fp16_speedup=$(ratio "$m32" "$m16") pytorch_fp16_speedup=$(ratio "$p32" "$p16") \
pytorch_bf16_speedup=$(ratio "$p32" "$pbf")")
                unset -n aopts
            fi
            unset -n opts
            ;;
        predict_2d | predict_3d)
            declare -n jopts="${c}_java" popts="${c}_py"
            "${java_cmd[@]}" org.maskseg.bench.PredictCompareBench "${jopts[@]}" --threads "$threads" \
                --device "$maskseg_device" --case "$c" | tee "$log/$c.maskseg.txt" >&2
            "$PYTHON" "$reference" predict "${popts[@]}" --threads "$threads" --device "$torch_device" --case "$c" \
                | tee "$log/$c.pytorch.txt" >&2
            m=$(field "$log/$c.maskseg.txt" BENCH "$c" voxels_per_s)
            p=$(field "$log/$c.pytorch.txt" REFERENCE "$c" voxels_per_s)
            results+=("RESULT $c maskseg_vox_s=$m pytorch_vox_s=$p ratio=$(ratio "$p" "$m") maskseg_overhead=$(field \
                "$log/$c.maskseg.txt" BENCH "$c" overhead) pytorch_overhead=$(field "$log/$c.pytorch.txt" REFERENCE "$c" \
                overhead) maskseg_cpu_s=$(field "$log/$c.maskseg.txt" BENCH "$c" cpu_seconds) pytorch_cpu_s=$(field \
                "$log/$c.pytorch.txt" REFERENCE "$c" cpu_seconds)")
            unset -n jopts popts
            ;;
        *)
            echo "unknown case '$c' (train_2d train_3d predict_2d predict_3d)" >&2
            exit 2
            ;;
    esac
done

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${results[@]}"
