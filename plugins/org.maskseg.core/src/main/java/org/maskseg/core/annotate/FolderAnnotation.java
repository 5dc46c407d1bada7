package org.maskseg.core.annotate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.AtomicFiles;
import org.maskseg.core.io.DatasetCase;
import org.maskseg.core.io.DatasetFolder;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.io.ImageFormat;
import org.maskseg.core.io.ImageInfo;
import org.maskseg.core.labels.LabelSpec;

/**
 * Annotates a folder of label files and writes the results, with the same file names and formats, into
 * an output folder. Images (needed by {@link AnnotationMode#INVALID}) are paired with the labels by file
 * name through {@link DatasetFolder}; region-of-interest masks (for {@link AnnotationMode#ROI} and
 * {@link AnnotationMode#CLASS_ROI}) are the files of the ROI folder with the same base name as the labels.
 * <p>
 * Mode {@link AnnotationMode#CLASS_ROI} also writes one unknown-region mask per case, as
 * {@code <unknownOut>/<class name or value>/<label file name>} (1 = class unknown), the layout training reads.
 * <p>
 * All or nothing: every input is checked and every result is computed and written under a temporary
 * name before the first result file is moved into place; on any error the output folder keeps its
 * previous contents.
 */
public final class FolderAnnotation {


    /**
     * The folders of one job.
     *
     * @param images folder of images, or null; required by {@link AnnotationMode#INVALID}. When given, the
     *               labels are paired with it and sizes are checked.
     * @param labels folder of label files
     * @param roi    folder of region-of-interest masks, or null; required by {@link AnnotationMode#ROI} and
     *               {@link AnnotationMode#CLASS_ROI}
     * @param out    output folder (created if missing), different from the labels folder
     * @param unknownOut folder of unknown-region masks, or null; required by {@link AnnotationMode#CLASS_ROI},
     *               which writes into its subfolder named after the class (created if missing)
     */
    public record Folders(Path images, Path labels, Path roi, Path out, Path unknownOut) {
        public Folders {
            Objects.requireNonNull(labels, "labels folder");
            Objects.requireNonNull(out, "output folder");
        }

        /** Folders of a job without unknown-region masks. */
        public Folders(Path images, Path labels, Path roi, Path out) {
            this(images, labels, roi, out, null);
        }
    }

    /**
     * What a job did.
     *
     * @param spec    the classes and ignore value used
     * @param cases   one report per case, in name order
     * @param written the label files written
     * @param masks   the unknown-region masks written, in the order of {@code written}; empty unless the mode
     *                makes a class unknown
     */
    public record Result(LabelSpec spec, List<AnnotationReport> cases, List<Path> written, List<Path> masks) {

        /** The counts of all cases together. */
        public AnnotationReport total() {
            return AnnotationReport.total(cases);
        }
    }

    /** One case: its name, label file and, when known, image or ROI file. */
    private record Item(String name, Path labelFile, DatasetCase dataset, Path roiFile) {
    }

    private FolderAnnotation() {
    }

    /**
     * Runs the job.
     *
     * @param progress called with each case's report once it is computed (may be null)
     * @throws InvalidInputException naming the folder, file or setting at fault; nothing is written then
     */
    public static Result run(AnnotateOptions options, Folders folders, Consumer<AnnotationReport> progress) {
        Annotator annotator = new Annotator(options);
        AnnotationMode mode = annotator.options().mode();
        List<Item> items = items(mode, folders);
        Path out = folders.out();
        checkOutput(folders, items);
        Path maskDir = null;
        if (mode == AnnotationMode.CLASS_ROI) {
            ClassChoice choice = annotator.options().unknownClassChoice();
            maskDir = maskFolder(folders, choice.displayName(annotator.options().classNames()));
        }

        // pass 1: the label values of all cases decide the classes and the default ignore value
        java.util.Map<Integer, Long> values = new java.util.TreeMap<>();
        for (Item item : items) {
            org.maskseg.core.labels.LabelValues.add(values, readLabels(item));
        }
        LabelSpec spec = annotator.labelSpec(values);
        List<Path> createdFolders = new ArrayList<>();
        createOutput(out, createdFolders);
        if (maskDir != null) {
            createOutput(maskDir, createdFolders);
        }

        // pass 2: annotate, write under temporary names, then move everything into place
        List<Path> temps = new ArrayList<>();
        List<Path> targets = new ArrayList<>();
        List<AnnotationReport> reports = new ArrayList<>();
        List<Path> labelTargets = new ArrayList<>();
        List<Path> maskTargets = new ArrayList<>();
        boolean done = false;
        try {
            for (Item item : items) {
                LabelVolume labels = readLabels(item);
                ImageVolume image = mode == AnnotationMode.INVALID ? item.dataset().readImage() : null;
                LabelVolume roi = item.roiFile() != null
                        ? ImageFiles.readLabels(item.roiFile(), item.name()) : null;
                if (roi != null) {
                    LabelMasking.checkSameSize(labels, roi.size(), "region-of-interest mask '" + item.roiFile() + "'");
                }
                Annotation a = annotator.annotate(labels, spec, image, roi);
                Path fileName = item.labelFile().getFileName();
                Path temp = temporary(out.resolve(fileName));
                temps.add(temp);
                ImageFiles.writeLabels(a.labels(), temp, item.labelFile()); // NIfTI keeps the input orientation
                targets.add(out.resolve(fileName));
                labelTargets.add(out.resolve(fileName));
                if (maskDir != null) {
                    Path maskTemp = temporary(maskDir.resolve(fileName));
                    temps.add(maskTemp);
                    ImageFiles.writeLabels(a.unknown().mask(), maskTemp, item.labelFile());
                    targets.add(maskDir.resolve(fileName));
                    maskTargets.add(maskDir.resolve(fileName));
                }
                reports.add(a.report());
                if (progress != null) {
                    progress.accept(a.report());
                }
            }
            for (int i = 0; i < temps.size(); i++) {
                move(temps.get(i), targets.get(i));
            }
            done = true;
        } finally {
            if (!done) {
                for (Path t : temps) {
                    try {
                        Files.deleteIfExists(t);
                    } catch (IOException e) {
                        // best effort: the temporary files start with a dot and are ignored by every reader
                    }
                }
                for (int i = createdFolders.size() - 1; i >= 0; i--) {
                    try {
                        Files.deleteIfExists(createdFolders.get(i)); // only succeeds when empty
                    } catch (IOException e) {
                        // not empty or not removable: leave it
                    }
                }
            }
        }
        return new Result(spec, List.copyOf(reports), List.copyOf(labelTargets), List.copyOf(maskTargets));
    }

    /** A temporary file for a target, named so that a later run removes it if this one is killed. */
    private static Path temporary(Path target) {
        try {
            return AtomicFiles.newTemporary(target);
        } catch (IOException e) {
            throw new InvalidInputException("output folder '" + target.getParent() + "' cannot be written: "
                    + e.getMessage(), e);
        }
    }

    private static LabelVolume readLabels(Item item) {
        return item.dataset() != null ? item.dataset().readLabels() : ImageFiles.readLabels(item.labelFile(), item.name());
    }

    /** The cases, in name order, with their files checked. */
    private static List<Item> items(AnnotationMode mode, Folders folders) {
        if (mode == AnnotationMode.INVALID && folders.images() == null) {
            throw new InvalidInputException("mode 'invalid' needs the images folder: the image voxels decide what is"
                    + " invalid");
        }
        boolean needsRoi = mode == AnnotationMode.ROI || mode == AnnotationMode.CLASS_ROI;
        if (needsRoi && folders.roi() == null) {
            throw new InvalidInputException("mode '" + mode.key() + "' needs the folder of region-of-interest masks");
        }
        if (mode == AnnotationMode.CLASS_ROI && folders.unknownOut() == null) {
            throw new InvalidInputException("mode '" + mode.key() + "' needs the folder for the unknown-region masks"
                    + " of the class annotated only inside the region of interest");
        }
        List<Item> items = new ArrayList<>();
        if (folders.images() != null) {
            // pairs every image with its labels and checks their sizes from the headers
            DatasetFolder dataset = DatasetFolder.open(folders.images(), folders.labels());
            for (DatasetCase c : dataset.cases()) {
                items.add(new Item(c.name(), c.labelFile().orElseThrow(), c, null));
            }
        } else {
            for (Path f : listImageFiles(folders.labels(), "labels")) {
                items.add(new Item(ImageFormat.baseName(f), f, null, null));
            }
        }
        if (needsRoi) {
            Map<String, Path> masks = new TreeMap<>();
            for (Path f : listImageFiles(folders.roi(), "region-of-interest")) {
                Path previous = masks.put(ImageFormat.baseName(f), f);
                if (previous != null) {
                    throw new InvalidInputException("region-of-interest folder '" + folders.roi() + "' has two masks"
                            + " for '" + ImageFormat.baseName(f) + "': '" + previous.getFileName() + "' and '"
                            + f.getFileName() + "'");
                }
            }
            List<String> missing = new ArrayList<>();
            List<Item> withRoi = new ArrayList<>();
            for (Item item : items) {
                String base = ImageFormat.baseName(item.labelFile());
                Path mask = masks.get(base);
                if (mask == null) {
                    missing.add(item.labelFile().getFileName().toString());
                } else {
                    ImageInfo info = ImageFiles.readInfo(mask);
                    ImageInfo labelInfo = ImageFiles.readInfo(item.labelFile());
                    if (!Arrays.equals(info.size(), labelInfo.size())) {
                        throw new InvalidInputException("region-of-interest mask '" + mask + "' is " + info.sizeText()
                                + " but labels '" + item.labelFile() + "' are " + labelInfo.sizeText());
                    }
                    withRoi.add(new Item(item.name(), item.labelFile(), item.dataset(), mask));
                }
            }
            if (!missing.isEmpty()) {
                throw new InvalidInputException("no region-of-interest mask in '" + folders.roi() + "' for "
                        + missing.size() + " label file(s): " + shortList(missing)
                        + " (masks are paired with labels by file name)");
            }
            items = withRoi;
        }
        return items;
    }

    private static void checkOutput(Folders folders, List<Item> items) {
        Path out = folders.out();
        try {
            if (Files.exists(out) && Files.isSameFile(out, folders.labels())) {
                throw new InvalidInputException("output folder '" + out + "' is the labels folder; choose another one"
                        + " so that the input labels are kept");
            }
        } catch (IOException e) {
            throw new InvalidInputException("output folder '" + out + "' cannot be checked: " + e.getMessage(), e);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new InvalidInputException("output folder '" + out + "' exists but is not a folder");
        }
        if (items.isEmpty()) {
            throw new InvalidInputException("no label files found in '" + folders.labels() + "'; expected "
                    + ImageFormat.supportedExtensions());
        }
    }

    /** The class's mask folder; it must not be one of the input or label output folders. */
    private static Path maskFolder(Folders folders, String className) {
        Path dir = folders.unknownOut().resolve(className);
        if (Files.exists(folders.unknownOut()) && !Files.isDirectory(folders.unknownOut())) {
            throw new InvalidInputException("unknown-region mask folder '" + folders.unknownOut()
                    + "' exists but is not a folder");
        }
        for (Path other : new Path[]{folders.labels(), folders.roi(), folders.out(), folders.images()}) {
            if (other != null && dir.toAbsolutePath().normalize().equals(other.toAbsolutePath().normalize())) {
                throw new InvalidInputException("unknown-region mask folder '" + dir + "' is also an input or output"
                        + " folder of the job; choose another --unknown-out folder");
            }
        }
        return dir;
    }

    /** Creates the folder and its missing parents, remembering each one created (outermost first). */
    private static void createOutput(Path out, List<Path> created) {
        List<Path> missing = new ArrayList<>();
        for (Path p = out.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(0, p);
        }
        try {
            Files.createDirectories(out);
            created.addAll(missing);
        } catch (IOException e) {
            throw new InvalidInputException("output folder '" + out + "' cannot be created: " + e.getMessage(), e);
        }
        if (!Files.isWritable(out)) {
            throw new InvalidInputException("output folder '" + out + "' is not writable");
        }
    }

    private static List<Path> listImageFiles(Path folder, String what) {
        if (!Files.isDirectory(folder)) {
            throw new InvalidInputException(what + " folder '" + folder + "' "
                    + (Files.exists(folder) ? "is not a folder" : "does not exist"));
        }
        try (Stream<Path> s = Files.list(folder)) {
            List<Path> files = s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(ImageFormat::isSupported)
                    .sorted()
                    .toList();
            if (files.isEmpty()) {
                throw new InvalidInputException(what + " folder '" + folder + "' contains no image files; expected "
                        + ImageFormat.supportedExtensions());
            }
            return files;
        } catch (IOException e) {
            throw new InvalidInputException(what + " folder '" + folder + "' cannot be read: " + e.getMessage(), e);
        }
    }

    private static void move(Path temp, Path target) {
        try {
            AtomicFiles.moveIntoPlace(temp, target);
        } catch (IOException e) {
            throw new InvalidInputException("cannot write '" + target + "': " + e.getMessage(), e);
        }
    }

    private static String shortList(List<String> names) {
        int shown = Math.min(5, names.size());
        String s = String.join(", ", names.subList(0, shown));
        return names.size() > shown ? s + ", ... (" + (names.size() - shown) + " more)" : s;
    }
}
