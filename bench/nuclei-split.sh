# Sourced by the shell benchmarks: split_nuclei DATA WORK copies the bundled nuclei (DATA/images, DATA/labels) into
# WORK/train and WORK/test, the last 8 cases by name held out for testing.
split_nuclei() {
    local data="$1" work="$2" part i n
    mkdir -p "$work/train/images" "$work/train/labels" "$work/test/images" "$work/test/labels"
    local cases
    mapfile -t cases < <(ls "$data/images" | sort)
    n=${#cases[@]}
    for i in "${!cases[@]}"; do
        part=train
        if (( i >= n - 8 )); then part=test; fi
        cp "$data/images/${cases[$i]}" "$work/$part/images/"
        cp "$data/labels/${cases[$i]}" "$work/$part/labels/"
    done
}
