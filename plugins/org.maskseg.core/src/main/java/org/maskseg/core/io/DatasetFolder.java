package org.maskseg.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.maskseg.core.InvalidInputException;

/**
 * A dataset on disk: a folder of images and, for training, a folder of label images paired with them by
 * file name. Cases are sorted by name; their pixels are read lazily ({@link DatasetCase#readImage()}),
 * but all headers are checked when the dataset is opened, so that pairing and shape problems surface at
 * once with one message listing them.
 * <p>
 * Two naming conventions are understood:
 * <ul>
 * <li>{@link Naming#PLAIN}: one file per case; image {@code a.png} pairs with labels {@code a.png} (or any
 * other supported extension, e.g. {@code a.tif}).</li>
 * <li>{@link Naming#NNUNET}: one file per channel, {@code case_0000.nii.gz}, {@code case_0001.nii.gz}, ...
 * form one case {@code case} with that many channels; its labels are {@code case.nii.gz}.</li>
 * </ul>
 * Files whose names start with a dot and files without an image extension (e.g. {@code dataset.json})
 * are ignored.
 */
public final class DatasetFolder {

    /** How image file names map to cases. */
    public enum Naming {
        /**
         * nnU-Net when every image name ends in {@code _NNNN} with channel numbers 0..k-1 for every case
         * (and, with labels, the label names match the case names rather than the image names); else plain.
         */
        AUTO,
        /** One image file per case; names pair directly. */
        PLAIN,
        /** One image file per channel, {@code <case>_<4-digit channel>}. */
        NNUNET
    }

    private static final Pattern CHANNEL_SUFFIX = Pattern.compile("(.+)_(\\d{4})");
    private static final int MAX_LISTED = 10;

    private final Path imagesFolder;
    private final Path labelsFolder;
    private final Naming naming;
    private final List<DatasetCase> cases;

    private DatasetFolder(Path imagesFolder, Path labelsFolder, Naming naming, List<DatasetCase> cases) {
        this.imagesFolder = imagesFolder;
        this.labelsFolder = labelsFolder;
        this.naming = naming;
        this.cases = Collections.unmodifiableList(cases);
    }

    /** Opens a training dataset with automatic naming detection. */
    public static DatasetFolder open(Path imagesFolder, Path labelsFolder) {
        return open(imagesFolder, labelsFolder, Naming.AUTO);
    }

    /**
     * Opens a training dataset: pairs images and labels and checks the headers.
     *
     * @throws InvalidInputException listing every image without labels, labels without image, size
     *                               mismatch (and spacing mismatch between NIfTI image and labels),
     *                               channel or dimensionality mismatch between cases, or an empty folder
     */
    public static DatasetFolder open(Path imagesFolder, Path labelsFolder, Naming naming) {
        return build(imagesFolder, labelsFolder, naming, 0);
    }

    /** Opens a folder of images without labels (for prediction), automatic naming detection. */
    public static DatasetFolder imagesOnly(Path imagesFolder) {
        return imagesOnly(imagesFolder, Naming.AUTO);
    }

    /** Opens a folder of images without labels (for prediction). */
    public static DatasetFolder imagesOnly(Path imagesFolder, Naming naming) {
        return build(imagesFolder, null, naming, 0);
    }

    /**
     * Opens a folder of images for a model that takes {@code channels} channels. With {@link Naming#AUTO}
     * the channel count settles the ambiguous case of names ending in _NNNN ({@code img_0000},
     * {@code img_0001}, ... are one case per file unless the model expects that many channels).
     *
     * @throws InvalidInputException also when the images do not have that many channels
     */
    public static DatasetFolder imagesOnly(Path imagesFolder, Naming naming, int channels) {
        DatasetFolder ds = build(imagesFolder, null, naming, channels);
        if (ds.channels() != channels) {
            throw new InvalidInputException("the images in '" + imagesFolder + "' have " + ds.channels()
                    + " channel(s) but " + channels + " are expected"
                    + (ds.naming() == Naming.NNUNET ? " (files named <case>_NNNN count as one channel each)" : ""));
        }
        return ds;
    }

    public boolean hasLabels() {
        return labelsFolder != null;
    }

    /** The naming convention in use: {@link Naming#PLAIN} or {@link Naming#NNUNET}, never AUTO. */
    public Naming naming() {
        return naming;
    }

    /** The cases, sorted by name. */
    public List<DatasetCase> cases() {
        return cases;
    }

    public int size() {
        return cases.size();
    }

    /** Channels of every image (all cases have the same). */
    public int channels() {
        return cases.get(0).channels();
    }

    /** 2 or 3 (all cases have the same). */
    public int spatialDims() {
        return cases.get(0).spatialDims();
    }

    /** Reads every case into memory, in name order (labels are null for an images-only dataset). */
    public List<CaseData> readAll() {
        List<CaseData> all = new ArrayList<>(cases.size());
        for (DatasetCase c : cases) {
            all.add(c.read());
        }
        return all;
    }

    /** The case of that name. */
    public Optional<DatasetCase> find(String name) {
        return cases.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Where to write a result for the case in another folder: same file name and format as its image. */
    public static Path outputFile(DatasetCase c, Path outputFolder) {
        return outputFolder.resolve(c.outputFileName());
    }

    // ---------------------------------------------------------------------------------------------- pairing

    private static DatasetFolder build(Path imagesFolder, Path labelsFolder, Naming naming, int expectedChannels) {
        List<Path> imageFiles = list(imagesFolder, "images");
        List<Path> labelFiles = labelsFolder == null ? null : list(labelsFolder, "labels");
        Problems problems = new Problems();

        Map<String, Path> plain = byBaseName(imageFiles, "images", problems);
        Map<String, Path> labels = labelFiles == null ? null : byBaseName(labelFiles, "labels", problems);
        problems.throwIfAny(imagesFolder, labelsFolder);

        Map<String, List<Path>> groups = nnunetGroups(plain, naming == Naming.NNUNET ? problems : null);
        Naming resolved = resolve(naming, plain, groups, labels, expectedChannels);
        problems.throwIfAny(imagesFolder, labelsFolder);

        Map<String, List<Path>> images = new TreeMap<>();
        if (resolved == Naming.NNUNET) {
            images.putAll(groups);
        } else {
            plain.forEach((name, file) -> images.put(name, List.of(file)));
        }
        if (labels != null) {
            for (Map.Entry<String, List<Path>> e : images.entrySet()) {
                if (!labels.containsKey(e.getKey())) {
                    problems.add("image '" + e.getValue().get(0).getFileName() + "' has no label file '"
                            + e.getKey() + ".*' (" + ImageFormat.supportedExtensions() + ") in '" + labelsFolder + "'");
                }
            }
            for (Map.Entry<String, Path> e : labels.entrySet()) {
                if (!images.containsKey(e.getKey())) {
                    problems.add("labels '" + e.getValue().getFileName() + "' have no image"
                            + (resolved == Naming.NNUNET ? " files '" + e.getKey() + "_0000...'" : " named '" + e.getKey()
                                    + "'") + " in '" + imagesFolder + "'");
                }
            }
            problems.throwIfAny(imagesFolder, labelsFolder);
        }
        List<DatasetCase> cases = new ArrayList<>();
        for (Map.Entry<String, List<Path>> e : images.entrySet()) {
            cases.add(checkedCase(e.getKey(), e.getValue(), labels == null ? null : labels.get(e.getKey()), problems));
        }
        problems.throwIfAny(imagesFolder, labelsFolder);
        checkConsistent(cases, problems);
        problems.throwIfAny(imagesFolder, labelsFolder);
        return new DatasetFolder(imagesFolder, labelsFolder, resolved, cases);
    }

    private static List<Path> list(Path folder, String role) {
        if (!Files.isDirectory(folder)) {
            throw new InvalidInputException(role + " folder '" + folder + "' "
                    + (Files.exists(folder) ? "is not a folder" : "does not exist"));
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(ImageFormat::isSupported)
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new InvalidInputException(role + " folder '" + folder + "' cannot be listed (" + e.getMessage() + ")",
                    e);
        }
        if (files.isEmpty()) {
            throw new InvalidInputException(role + " folder '" + folder + "' contains no image files ("
                    + ImageFormat.supportedExtensions() + ")");
        }
        return files;
    }

    private static Map<String, Path> byBaseName(List<Path> files, String role, Problems problems) {
        Map<String, Path> map = new TreeMap<>();
        for (Path f : files) {
            Path previous = map.putIfAbsent(ImageFormat.baseName(f), f);
            if (previous != null) {
                problems.add(role + " '" + previous.getFileName() + "' and '" + f.getFileName()
                        + "' have the same name; keep only one of them");
            }
        }
        return map;
    }

    /**
     * Groups {@code name_NNNN} files by case, channels in order; null when the names do not all follow the
     * convention with channels 0..k-1 and the same k for every case. Problems are reported only when the
     * convention was asked for explicitly.
     */
    private static Map<String, List<Path>> nnunetGroups(Map<String, Path> files, Problems problems) {
        Map<String, TreeMap<Integer, Path>> groups = new TreeMap<>();
        boolean ok = true;
        for (Map.Entry<String, Path> e : files.entrySet()) {
            Matcher m = CHANNEL_SUFFIX.matcher(e.getKey());
            if (!m.matches()) {
                ok = false;
                if (problems != null) {
                    problems.add("image '" + e.getValue().getFileName()
                            + "' does not end in _NNNN (4-digit channel number) as the nnU-Net naming requires");
                }
                continue;
            }
            groups.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(Integer.parseInt(m.group(2)), e.getValue());
        }
        int expected = -1;
        String first = null;
        Map<String, List<Path>> result = new TreeMap<>();
        for (Map.Entry<String, TreeMap<Integer, Path>> g : groups.entrySet()) {
            TreeMap<Integer, Path> channels = g.getValue();
            if (channels.firstKey() != 0 || channels.lastKey() != channels.size() - 1) {
                ok = false;
                if (problems != null) {
                    problems.add("case '" + g.getKey() + "': channel files must be numbered _0000 to _"
                            + String.format("%04d", channels.size() - 1) + " without gaps, found "
                            + channels.keySet().stream().map(i -> String.format("_%04d", i)).toList());
                }
            } else if (expected >= 0 && channels.size() != expected) {
                ok = false;
                if (problems != null) {
                    problems.add("case '" + g.getKey() + "' has " + channels.size() + " channel files but case '"
                            + first + "' has " + expected + "; all images must have the same channels");
                }
            } else if (expected < 0) {
                expected = channels.size();
                first = g.getKey();
            }
            result.put(g.getKey(), new ArrayList<>(channels.values()));
        }
        return ok ? result : null;
    }

    private static Naming resolve(Naming naming, Map<String, Path> plain, Map<String, List<Path>> groups,
            Map<String, Path> labels, int expectedChannels) {
        if (naming != Naming.AUTO) {
            return naming;
        }
        if (groups == null) {
            return Naming.PLAIN;
        }
        if (labels == null) {
            int filesPerCase = groups.values().iterator().next().size();
            return expectedChannels <= 0 || filesPerCase == expectedChannels ? Naming.NNUNET : Naming.PLAIN;
        }
        long byCase = labels.keySet().stream().filter(groups::containsKey).count();
        long byFile = labels.keySet().stream().filter(plain::containsKey).count();
        return byCase >= byFile ? Naming.NNUNET : Naming.PLAIN;
    }

    // ---------------------------------------------------------------------------------------------- headers

    private static DatasetCase checkedCase(String name, List<Path> imageFiles, Path labelFile, Problems problems) {
        long[] size = null;
        int channels = 0;
        for (Path f : imageFiles) {
            ImageInfo info;
            try {
                info = ImageFiles.readInfo(f);
            } catch (InvalidInputException e) {
                problems.add(e.getMessage());
                return null;
            }
            if (size == null) {
                size = info.size();
            } else if (!Arrays.equals(size, info.size())) {
                problems.add("case '" + name + "': channel file '" + f.getFileName() + "' is " + info.sizeText()
                        + " but '" + imageFiles.get(0).getFileName() + "' is " + ImageInfo.sizeText(size));
                return null;
            }
            channels += info.channels();
        }
        DatasetCase c = new DatasetCase(name, imageFiles, labelFile, size, channels);
        if (labelFile != null) {
            try {
                ImageInfo info = ImageFiles.readInfo(labelFile, "labels");
                if (!Arrays.equals(size, info.size())) {
                    problems.add(c.sizeMismatch(size, info.size()).getMessage());
                } else if (isNifti(imageFiles.get(0)) && isNifti(labelFile)) {
                    // both files state a spacing: they must agree (labels take the image's spacing when read)
                    double[] is = ImageFiles.readInfo(imageFiles.get(0)).spacing();
                    double[] ls = info.spacing();
                    for (int d = 0; d < is.length; d++) {
                        if (Math.abs(is[d] - ls[d]) > 1e-3 * Math.max(is[d], ls[d])) {
                            problems.add("case '" + name + "': image spacing is " + spacingText(is)
                                    + " but label spacing is " + spacingText(ls));
                            break;
                        }
                    }
                }
            } catch (InvalidInputException e) {
                problems.add(e.getMessage());
            }
        }
        return c;
    }

    private static boolean isNifti(Path file) {
        return ImageFormat.find(file).map(ImageFormat::isNifti).orElse(false);
    }

    private static String spacingText(double[] spacing) {
        StringBuilder sb = new StringBuilder();
        for (double v : spacing) {
            sb.append(sb.length() == 0 ? "" : "×").append((float) v);
        }
        return sb.toString();
    }

    private static void checkConsistent(List<DatasetCase> cases, Problems problems) {
        DatasetCase first = cases.get(0);
        for (DatasetCase c : cases) {
            if (c.spatialDims() != first.spatialDims()) {
                problems.add("case '" + c.name() + "' is " + c.spatialDims() + "D but case '" + first.name() + "' is "
                        + first.spatialDims() + "D; a dataset must be all 2D or all 3D");
            } else if (c.channels() != first.channels()) {
                problems.add("case '" + c.name() + "' has " + c.channels() + " channel(s) but case '" + first.name()
                        + "' has " + first.channels() + "; all images of a dataset must have the same channels");
            }
        }
    }

    /** Collects problems so that one message lists them all (the first few, and how many more). */
    private static final class Problems {
        private final List<String> list = new ArrayList<>();

        void add(String problem) {
            list.add(problem);
        }

        void throwIfAny(Path images, Path labels) {
            if (list.isEmpty()) {
                return;
            }
            if (list.size() == 1) {
                throw new InvalidInputException(list.get(0));
            }
            StringBuilder sb = new StringBuilder(list.size() + " problems with the dataset in '" + images + "'"
                    + (labels == null ? "" : " and '" + labels + "'") + ":");
            for (int i = 0; i < Math.min(list.size(), MAX_LISTED); i++) {
                sb.append("\n  ").append(list.get(i));
            }
            if (list.size() > MAX_LISTED) {
                sb.append("\n  ... and ").append(list.size() - MAX_LISTED).append(" more");
            }
            throw new InvalidInputException(sb.toString());
        }
    }
}
