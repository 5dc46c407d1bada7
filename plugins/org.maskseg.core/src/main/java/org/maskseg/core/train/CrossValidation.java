package org.maskseg.core.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.io.AtomicFiles;
import org.maskseg.core.io.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Which folds of a cross-validation to train, and how the cases are split into folds: nnU-Net's rule (the case
 * names sorted, then scikit-learn's {@code KFold(n_splits, shuffle=True, random_state=12345)}, reproduced exactly
 * by {@link LegacyRandomState}) or a splits file in nnU-Net's {@code splits_final.json} format (a JSON list with
 * one {@code {"train": [names], "val": [names]}} object per fold).
 *
 * @param numFolds   folds of the nnU-Net split (ignored with a splits file, which defines its own)
 * @param fold       the one fold to train (0-based), or null for all folds one after the other
 * @param splitsFile a splits file, or null for nnU-Net's split
 */
public record CrossValidation(int numFolds, Integer fold, Path splitsFile) {

    /** nnU-Net's seed of the split. */
    public static final long SEED = 12345;
    /** nnU-Net's number of folds. */
    public static final int DEFAULT_FOLDS = 5;
    /** Name of the splits file written to the work folder. */
    public static final String SPLITS_FILE = "splits_final.json";

    public CrossValidation {
        if (splitsFile == null && numFolds < 2) {
            throw new InvalidInputException("a cross-validation needs at least 2 folds, got " + numFolds);
        }
        if (fold != null && (fold < 0 || splitsFile == null && fold >= numFolds)) {
            throw new InvalidInputException("fold " + fold + " does not exist: folds are numbered 0 to "
                    + (numFolds - 1));
        }
    }

    /** All folds of nnU-Net's split into {@code numFolds}. */
    public static CrossValidation all(int numFolds) {
        return new CrossValidation(numFolds, null, null);
    }

    /** Fold names in files and folders: {@code fold_<k>}. */
    public static String folderName(int fold) {
        return "fold_" + fold;
    }

    /** The splits of the given cases, one per fold. */
    public List<ValidationSplit> splits(List<String> names) {
        List<ValidationSplit> splits = splitsFile == null ? kFold(names, numFolds) : readSplits(splitsFile, names);
        if (fold != null && fold >= splits.size()) {
            throw new InvalidInputException("splits file '" + splitsFile + "' defines " + splits.size()
                    + " fold(s) (0 to " + (splits.size() - 1) + "); fold " + fold + " does not exist");
        }
        return splits;
    }

    /** The folds to train, of the given splits. */
    public List<Integer> selected(List<ValidationSplit> splits) {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < splits.size(); k++) {
            if (fold == null || fold == k) {
                out.add(k);
            }
        }
        return out;
    }

    /**
     * nnU-Net's k-fold split: the names sorted, positions 0 … n-1 shuffled by numpy's {@code RandomState(12345)},
     * then cut into {@code folds} consecutive blocks, the first {@code n % folds} one longer; block k is fold k's
     * validation set, all other cases its training set (both in sorted order).
     */
    public static List<ValidationSplit> kFold(List<String> names, int folds) {
        List<String> sorted = new ArrayList<>(names);
        Collections.sort(sorted);
        int n = sorted.size();
        if (new HashSet<>(sorted).size() != n) {
            throw new IllegalArgumentException("case names are not distinct");
        }
        if (folds > n) {
            throw new InvalidInputException("a " + folds + "-fold cross-validation needs at least " + folds
                    + " cases, there are " + n);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        new LegacyRandomState(SEED).shuffle(order);
        List<ValidationSplit> out = new ArrayList<>();
        int start = 0;
        for (int k = 0; k < folds; k++) {
            int size = n / folds + (k < n % folds ? 1 : 0);
            boolean[] validation = new boolean[n];
            for (int i = start; i < start + size; i++) {
                validation[order[i]] = true;
            }
            start += size;
            List<String> train = new ArrayList<>();
            List<String> val = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                (validation[i] ? val : train).add(sorted.get(i));
            }
            out.add(new ValidationSplit(train, val));
        }
        return out;
    }

    /**
     * Reads a splits file in nnU-Net's {@code splits_final.json} format. Every name must be one of the cases; a
     * fold needs at least one training and one validation case.
     *
     * @throws InvalidInputException naming the file, the fold and the key at fault
     */
    public static List<ValidationSplit> readSplits(Path file, List<String> names) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("splits file '" + file + "' does not exist", e);
        } catch (IOException e) {
            throw new InvalidInputException("splits file '" + file + "' is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new InvalidInputException("splits file '" + file + "' must hold a non-empty JSON list of "
                    + "{\"train\": [...], \"val\": [...]} objects, one per fold");
        }
        Set<String> known = new HashSet<>(names);
        List<ValidationSplit> out = new ArrayList<>();
        for (int k = 0; k < root.size(); k++) {
            JsonNode f = root.get(k);
            List<String> train = names(file, f, k, "train", known);
            List<String> val = names(file, f, k, "val", known);
            Collections.sort(train);
            Collections.sort(val);
            out.add(new ValidationSplit(train, val));
        }
        return out;
    }

    private static List<String> names(Path file, JsonNode fold, int k, String key, Set<String> known) {
        JsonNode list = fold == null || !fold.isObject() ? null : fold.get(key);
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new InvalidInputException("splits file '" + file + "', fold " + k + ": key '" + key
                    + "' must be a non-empty list of case names");
        }
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode n : list) {
            if (!n.isTextual()) {
                throw new InvalidInputException("splits file '" + file + "', fold " + k + ", key '" + key
                        + "': " + n + " is not a case name (a string)");
            }
            String name = n.asText();
            if (!known.contains(name)) {
                throw new InvalidInputException("splits file '" + file + "', fold " + k + ", key '" + key
                        + "': case '" + name + "' is not among the training cases");
            }
            if (seen.add(name)) {
                out.add(name);
            }
        }
        return out;
    }

    /** Writes splits in nnU-Net's format, atomically. */
    public static void writeSplits(Path file, List<ValidationSplit> splits) throws IOException {
        ObjectMapper mapper = Json.MAPPER;
        ArrayNode root = mapper.createArrayNode();
        for (ValidationSplit s : splits) {
            ObjectNode f = root.addObject();
            s.training().forEach(f.putArray("train")::add);
            s.validation().forEach(f.putArray("val")::add);
        }
        String text = mapper.writeValueAsString(root) + System.lineSeparator();
        AtomicFiles.write(file, temp -> Files.writeString(temp, text));
    }
}
