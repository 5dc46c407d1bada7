package org.maskseg.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Region;
import org.maskseg.core.labels.RegionSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An nnU-Net v2 raw dataset folder, read as it is: {@code dataset.json} with {@code imagesTr/}, {@code labelsTr/}
 * and optionally {@code imagesTs/}, images stored as one file per channel ({@code CASE_0000<file_ending>}, ...),
 * labels as {@code CASE<file_ending>}.
 * <p>
 * From {@code dataset.json} come:
 * <ul>
 * <li>{@code channel_names} ({@code {"0": "CT", "1": "T2"}}; the older key {@code modality} is accepted too): the
 * number of channels and, by name, each channel's normalisation ({@code plan.Planner#scheme});</li>
 * <li>{@code labels}: class name → value, with background 0, the class values consecutive from 0 and an optional
 * {@code "ignore"} entry that must be an integer and the highest value (nnU-Net's rules). Entries whose value is a
 * list of several classes are <em>regions</em>; then {@code regions_class_order} gives, per region in the order of
 * {@code labels}, the value written where it is predicted (later regions overwrite earlier ones);</li>
 * <li>{@code file_ending} (e.g. {@code .nii.gz}, {@code .png}) and {@code numTraining}, which must equal the number
 * of cases in {@code imagesTr}.</li>
 * </ul>
 * {@code overwrite_image_reader_writer} names an nnU-Net reader class; it is not used (files are read by their
 * extension) and reported in {@link #notes()}. Other keys ({@code name}, {@code description}, {@code licence},
 * ...) are ignored, as nnU-Net ignores them. A {@code dataset} key listing files explicitly is refused.
 * <p>
 * Every inconsistency is one {@link InvalidInputException} naming the file and the key.
 */
public final class NnUnetDataset {

    public static final String DATASET_JSON = "dataset.json";
    public static final String IMAGES_TR = "imagesTr";
    public static final String LABELS_TR = "labelsTr";
    public static final String IMAGES_TS = "imagesTs";

    private static final String IGNORE = "ignore";
    private static final String BACKGROUND = "background";

    private final Path folder;
    private final List<String> channelNames;
    private final LabelSpec labels;
    private final RegionSet regions;
    private final String fileEnding;
    private final int numTraining;
    private final boolean declaresIgnore;
    private final List<String> notes;
    private final String channelKey;

    private NnUnetDataset(Path folder, String channelKey, List<String> channelNames, LabelSpec labels, RegionSet regions,
            String fileEnding, int numTraining, boolean declaresIgnore, List<String> notes) {
        this.folder = folder;
        this.channelKey = channelKey;
        this.channelNames = List.copyOf(channelNames);
        this.labels = labels;
        this.regions = regions;
        this.fileEnding = fileEnding;
        this.numTraining = numTraining;
        this.declaresIgnore = declaresIgnore;
        this.notes = List.copyOf(notes);
    }

    /**
     * Reads and checks {@code dataset.json} of a dataset folder; the image folders are opened by {@link #training()}
     * and {@link #testImages()}.
     *
     * @throws InvalidInputException naming the file and the key at fault
     */
    public static NnUnetDataset open(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new InvalidInputException("nnU-Net dataset folder '" + folder + "' "
                    + (Files.exists(folder) ? "is not a folder" : "does not exist"));
        }
        Path json = folder.resolve(DATASET_JSON);
        if (!Files.isRegularFile(json)) {
            throw new InvalidInputException("'" + json + "' does not exist; an nnU-Net dataset folder holds "
                    + DATASET_JSON + " next to " + IMAGES_TR + "/ and " + LABELS_TR + "/");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json.toFile());
        } catch (IOException e) {
            throw new InvalidInputException("'" + json + "' is not valid JSON: " + JsonErrors.describe(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException("'" + json + "' must hold a JSON object {...}");
        }
        Keys keys = new Keys(json);
        if (root.has("dataset")) {
            throw keys.error("dataset", "lists the files explicitly, which is not supported; put the images into "
                    + IMAGES_TR + "/ and the labels into " + LABELS_TR + "/ and remove the key");
        }
        List<String> notes = new ArrayList<>();
        if (root.has("overwrite_image_reader_writer")) {
            notes.add("'" + json + "': key 'overwrite_image_reader_writer' (" + root.get("overwrite_image_reader_writer")
                    + ") is not used; files are read by their extension");
        }
        String channelKey = root.has("channel_names") || !root.has("modality") ? "channel_names" : "modality";
        List<String> channels = channelNames(root, keys, channelKey);
        String ending = fileEnding(root, keys);
        int numTraining = numTraining(root, keys);
        JsonNode labelsNode = keys.require(root, "labels");
        if (!labelsNode.isObject() || labelsNode.isEmpty()) {
            throw keys.error("labels", "must be an object of class names and values, e.g. {\"background\": 0, "
                    + "\"nucleus\": 1, \"ignore\": 2}");
        }
        Map<String, List<Integer>> entries = new LinkedHashMap<>();
        Integer ignore = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = labelsNode.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = "labels." + e.getKey();
            if (e.getKey().equals(IGNORE)) {
                if (!isInt(e.getValue())) {
                    throw keys.error(key, "must be one integer label value (not a region or a fraction), got "
                            + e.getValue());
                }
                ignore = e.getValue().intValue();
                continue;
            }
            entries.put(e.getKey(), values(e.getValue(), keys, key));
        }
        if (!entries.containsKey(BACKGROUND)) {
            throw keys.error("labels", "declares no \"background\" (it must be label 0)");
        }
        if (entries.get(BACKGROUND).size() != 1 || entries.get(BACKGROUND).get(0) != 0) {
            throw keys.error("labels.background", "must be 0, got " + labelsNode.get(BACKGROUND));
        }
        TreeSet<Integer> all = new TreeSet<>();
        entries.values().forEach(all::addAll);
        int expected = 0;
        for (int v : all) {
            if (v != expected) {
                throw keys.error("labels", "values must be consecutive from 0 (0, 1, 2, ...), but " + expected
                        + " is missing among " + all);
            }
            expected++;
        }
        int numClasses = all.size();
        if (ignore != null && ignore != numClasses) {
            throw keys.error("labels.ignore", "is " + ignore + " but must be the highest label value, "
                    + numClasses + " (one above the classes 0.." + (numClasses - 1) + "), as nnU-Net requires");
        }
        if (numClasses < 2) {
            throw keys.error("labels", "declares only background; at least one foreground class is needed");
        }
        boolean regionBased = entries.values().stream().anyMatch(v -> v.size() > 1);
        List<String> names = classNames(entries, numClasses, regionBased, keys);
        LabelSpec spec = new LabelSpec(numClasses, numClasses, names);
        RegionSet regions = regionBased ? regions(root, entries, numClasses, keys) : RegionSet.none();
        if (!regionBased && root.has("regions_class_order")) {
            notes.add("'" + json + "': key 'regions_class_order' is not used, as 'labels' defines no region (no value "
                    + "is a list of several classes)");
        }
        return new NnUnetDataset(folder, channelKey, channels, spec, regions, ending, numTraining, ignore != null, notes);
    }

    // -------------------------------------------------------------------------------------------- accessors

    public Path folder() {
        return folder;
    }

    /** The channel names in channel order; their number is the number of image channels. */
    public List<String> channelNames() {
        return channelNames;
    }

    /**
     * The classes (names from {@code labels}) and the ignore value: {@code labels.ignore} when declared, else the
     * highest class + 1 (which then must not occur in the label files).
     */
    public LabelSpec labels() {
        return labels;
    }

    /** Whether {@code labels} declares an {@code "ignore"} value (sparse annotation). */
    public boolean declaresIgnore() {
        return declaresIgnore;
    }

    /** The regions of a region-based dataset in export order; {@link RegionSet#none()} otherwise. */
    public RegionSet regions() {
        return regions;
    }

    /** The regions in the text form of {@link RegionSet#parse}, or null without regions. */
    public String regionsText() {
        return regions.isEmpty() ? null : regions.format();
    }

    /** The extension of every image and label file, e.g. {@code .nii.gz}. */
    public String fileEnding() {
        return fileEnding;
    }

    public int numTraining() {
        return numTraining;
    }

    /** Keys that were read but are not used, for the user's information. */
    public List<String> notes() {
        return notes;
    }

    public Path imagesTr() {
        return folder.resolve(IMAGES_TR);
    }

    public Path labelsTr() {
        return folder.resolve(LABELS_TR);
    }

    public Path imagesTs() {
        return folder.resolve(IMAGES_TS);
    }

    /** The dataset.json file (for messages). */
    public Path jsonFile() {
        return folder.resolve(DATASET_JSON);
    }

    // ----------------------------------------------------------------------------------------------- folders

    /**
     * The training cases of {@code imagesTr/} and {@code labelsTr/}, checked against {@code dataset.json}: as many
     * cases as {@code numTraining}, as many channels as {@code channel_names}, every file ending in
     * {@code file_ending}, every case with its channel files and its label file.
     */
    public DatasetFolder training() {
        requireFolder(imagesTr());
        requireFolder(labelsTr());
        DatasetFolder ds = DatasetFolder.open(imagesTr(), labelsTr(), DatasetFolder.Naming.NNUNET);
        checkCases(ds, imagesTr());
        Keys keys = new Keys(jsonFile());
        if (ds.size() != numTraining) {
            throw keys.error("numTraining", "is " + numTraining + " but '" + imagesTr() + "' holds " + ds.size()
                    + " case(s)");
        }
        return ds;
    }

    /** The images of a folder holding {@code CASE_0000<file_ending>} channel files (default: {@code imagesTs/}). */
    public DatasetFolder images(Path imagesFolder) {
        requireFolder(imagesFolder);
        DatasetFolder ds = DatasetFolder.imagesOnly(imagesFolder, DatasetFolder.Naming.NNUNET);
        checkCases(ds, imagesFolder);
        return ds;
    }

    /** The test images of {@code imagesTs/}, if that folder exists. */
    public Optional<DatasetFolder> testImages() {
        return Files.isDirectory(imagesTs()) ? Optional.of(images(imagesTs())) : Optional.empty();
    }

    private void checkCases(DatasetFolder ds, Path imagesFolder) {
        Keys keys = new Keys(jsonFile());
        for (DatasetCase c : ds.cases()) {
            for (Path f : c.imageFiles()) {
                checkEnding(f, keys);
            }
            c.labelFile().ifPresent(f -> checkEnding(f, keys));
        }
        if (ds.channels() != channelNames.size()) {
            DatasetCase first = ds.cases().get(0);
            throw keys.error(channelKey, "names " + channelNames.size() + " channel(s), but case '" + first.name()
                    + "' in '" + imagesFolder + "' has " + ds.channels() + " (" + first.imageFiles().size()
                    + " file(s) " + first.name() + "_0000" + fileEnding + " ...)");
        }
    }

    private void checkEnding(Path file, Keys keys) {
        if (!file.getFileName().toString().endsWith(fileEnding)) {
            throw keys.error("file_ending", "is '" + fileEnding + "' but '" + file + "' has another extension; all "
                    + "images and labels must use the file ending of dataset.json");
        }
    }

    private void requireFolder(Path f) {
        if (!Files.isDirectory(f)) {
            throw new InvalidInputException("nnU-Net dataset '" + folder + "': folder '" + f.getFileName() + "' "
                    + (Files.exists(f) ? "is not a folder" : "does not exist"));
        }
    }

    // ---------------------------------------------------------------------------------------------- parsing

    private static List<String> channelNames(JsonNode root, Keys keys, String key) {
        JsonNode node = keys.require(root, key);
        if (!node.isObject() || node.isEmpty()) {
            throw keys.error(key, "must be an object of channel numbers and names, e.g. {\"0\": \"CT\"}");
        }
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            int index;
            try {
                index = Integer.parseInt(e.getKey().trim());
            } catch (NumberFormatException ex) {
                throw keys.error(key + "." + e.getKey(), "is not a channel number (0, 1, ...)");
            }
            if (!e.getValue().isTextual()) {
                throw keys.error(key + "." + e.getKey(), "must be a channel name (text), got " + e.getValue());
            }
            byIndex.put(index, e.getValue().asText());
        }
        if (byIndex.firstKey() != 0 || byIndex.lastKey() != byIndex.size() - 1) {
            throw keys.error(key, "must number the channels 0.." + (byIndex.size() - 1) + " without gaps, got "
                    + byIndex.keySet());
        }
        return new ArrayList<>(byIndex.values());
    }

    private static String fileEnding(JsonNode root, Keys keys) {
        JsonNode node = keys.require(root, "file_ending");
        if (!node.isTextual() || node.asText().isBlank()) {
            throw keys.error("file_ending", "must be a file extension such as \".nii.gz\", got " + node);
        }
        String ending = node.asText();
        if (!ending.startsWith(".") || !ImageFormat.isSupported(Path.of("case" + ending))
                || !ImageFormat.extension(Path.of("case" + ending)).equals(ending)) {
            throw keys.error("file_ending", "'" + ending + "' is not a supported image format; supported are "
                    + ImageFormat.supportedExtensions());
        }
        return ending;
    }

    private static int numTraining(JsonNode root, Keys keys) {
        JsonNode node = keys.require(root, "numTraining");
        if (!isInt(node) || node.intValue() < 1) {
            throw keys.error("numTraining", "must be a positive integer, got " + node);
        }
        return node.intValue();
    }

    private static boolean isInt(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToInt();
    }

    private static List<Integer> values(JsonNode node, Keys keys, String key) {
        List<Integer> values = new ArrayList<>();
        if (isInt(node)) {
            values.add(node.intValue());
        } else if (node.isArray() && !node.isEmpty()) {
            for (JsonNode v : node) {
                if (!isInt(v)) {
                    throw keys.error(key, "must be an integer label value or a list of them, got " + node);
                }
                if (!values.contains(v.intValue())) {
                    values.add(v.intValue());
                }
            }
        } else {
            throw keys.error(key, "must be an integer label value or a non-empty list of them, got " + node);
        }
        for (int v : values) {
            if (v < 0) {
                throw keys.error(key, "holds the negative value " + v + "; label values are 0, 1, 2, ...");
            }
        }
        return values;
    }

    /** Class names by value: the entry naming exactly that value; for region datasets "class v" where none does. */
    private static List<String> classNames(Map<String, List<Integer>> entries, int numClasses, boolean regionBased,
            Keys keys) {
        String[] names = new String[numClasses];
        for (Map.Entry<String, List<Integer>> e : entries.entrySet()) {
            if (e.getValue().size() != 1) {
                continue;
            }
            int v = e.getValue().get(0);
            if (names[v] != null) {
                if (regionBased) {
                    continue; // the first name wins; regions may repeat a class under a region name
                }
                throw keys.error("labels", "'" + names[v] + "' and '" + e.getKey() + "' both have value " + v
                        + "; every class needs its own value");
            }
            names[v] = e.getKey();
        }
        List<String> out = new ArrayList<>();
        for (int v = 0; v < numClasses; v++) {
            out.add(names[v] != null ? names[v] : "class " + v);
        }
        return out;
    }

    private static RegionSet regions(JsonNode root, Map<String, List<Integer>> entries, int numClasses, Keys keys) {
        List<Map.Entry<String, List<Integer>>> regionEntries = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : entries.entrySet()) {
            if (e.getValue().stream().allMatch(v -> v == 0)) {
                continue; // background
            }
            regionEntries.add(e);
        }
        JsonNode order = root.get("regions_class_order");
        if (order == null) {
            throw keys.error("regions_class_order", "is missing; 'labels' defines regions (values that are lists of "
                    + "several classes), which need the label value written for each region, one per region");
        }
        if (!order.isArray() || order.size() != regionEntries.size()) {
            throw keys.error("regions_class_order", "must be a list with one label value per region of 'labels' ("
                    + regionEntries.size() + ": " + regionEntries.stream().map(Map.Entry::getKey).toList()
                    + "), got " + order);
        }
        List<Region> regions = new ArrayList<>();
        for (int i = 0; i < regionEntries.size(); i++) {
            Map.Entry<String, List<Integer>> e = regionEntries.get(i);
            JsonNode export = order.get(i);
            if (!isInt(export)) {
                throw keys.error("regions_class_order", "entry " + i + " must be an integer label value, got "
                        + export);
            }
            String name = e.getKey();
            if (name.contains(";") || name.contains("=") || name.isBlank()) {
                throw keys.error("labels." + name, "as a region name must not be empty or contain ';' or '='");
            }
            if (e.getValue().contains(0)) {
                throw keys.error("labels." + name, "region contains background (0); a region is a set of "
                        + "foreground classes");
            }
            regions.add(new Region(name, new ArrayList<>(new TreeSet<>(e.getValue())), export.intValue()));
        }
        List<String> problems = RegionSet.problems(regions, numClasses);
        if (!problems.isEmpty()) {
            throw keys.error("labels", "defines invalid regions: " + String.join("; ", problems));
        }
        return RegionSet.of(regions, numClasses);
    }

    /** Messages naming dataset.json and a key. */
    private record Keys(Path file) {

        InvalidInputException error(String key, String what) {
            return new InvalidInputException("'" + file + "', key '" + key + "': " + what);
        }

        JsonNode require(JsonNode root, String key) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                throw error(key, "is missing (nnU-Net requires channel_names, labels, numTraining and file_ending)");
            }
            return n;
        }
    }
}
