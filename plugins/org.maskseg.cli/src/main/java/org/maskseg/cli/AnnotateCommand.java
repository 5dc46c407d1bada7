package org.maskseg.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.annotate.AnnotateOptions;
import org.maskseg.core.annotate.AnnotationMode;
import org.maskseg.core.annotate.AnnotationReport;
import org.maskseg.core.annotate.FolderAnnotation;
import org.maskseg.core.io.AtomicFiles;
import org.maskseg.core.io.Json;
import org.maskseg.core.io.OutputPaths;


import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** {@code maskseg annotate}: turns a folder of label files into labels with an ignore region. */
@Command(name = "annotate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Writes labels with an ignore region: from a region-of-interest mask, remapped values, a band around "
                    + "class borders or invalid image voxels, or simulated sparse annotation (scribbles, dense "
                    + "slices, dense patches) from dense labels.",
            "Mode class-roi writes partial labels instead: one class (--class) counts as annotated only inside the "
                    + "region-of-interest masks; outside them its voxels become background, meaning \"background or "
                    + "that class\", and an unknown-region mask per label file is written to "
                    + "--unknown-out DIR/<class>/<label file name> (1 = class unknown). Other classes stay known.",
            "Output files have the names and formats of the label files; a table of the annotated fraction "
                    + "per class is printed."})
public final class AnnotateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--images", paramLabel = "DIR",
            description = "Images, paired with the labels by file name (required by --mode invalid).")
    private Path images;

    @Option(names = "--labels", paramLabel = "DIR", required = true, description = "Label files to annotate.")
    private Path labels;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Output folder (created if missing; must not be the labels folder).")
    private Path out;

    @Option(names = "--mode", paramLabel = "MODE", required = true,
            description = "roi | class-roi | remap | border | invalid | scribbles | slices | patches")
    private String mode;

    @Option(names = "--ignore-label", paramLabel = "K",
            description = "Ignore value of the label files, e.g. -1 or 255 (default: highest class + 1).")
    private Integer ignoreLabel;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the random modes; each case derives its own from it and its name (default: 0).")
    private long seed;

    @Option(names = "--roi", paramLabel = "DIR",
            description = "roi, class-roi: masks paired with the labels by file name; zero = outside (roi: becomes "
                    + "ignore; class-roi: the class is unknown there).")
    private Path roi;

    @Option(names = "--class", paramLabel = "C",
            description = "class-roi: the class annotated only inside the masks: its label value (2), its name "
                    + "(mito, with --classes) or both (mito=2). The name, else the value, names the mask folder.")
    private String unknownClass;

    @Option(names = "--unknown-out", paramLabel = "DIR",
            description = "class-roi: folder of the unknown-region masks; they go to DIR/<class>/<label file name>.")
    private Path unknownOut;

    @Option(names = "--classes", paramLabel = "NAMES", split = ",",
            description = "Names of the classes 0, 1, ..., background first, e.g. background,nucleus,mito (as for "
                    + "train); used in the report and by --class.")
    private List<String> classNames;

    @Option(names = "--values", paramLabel = "a,b", split = ",",
            description = "remap: label values that become ignore.")
    private List<Integer> values;

    @Option(names = "--width", paramLabel = "W",
            description = "border: ignore every voxel with a voxel of another class within distance W "
                    + "(on both sides of each border).")
    private Double width;

    @Option(names = "--physical",
            description = "border: W is in the units of the voxel spacing (e.g. mm), not in voxels.")
    private boolean physical;

    @Option(names = "--out-of-field", paramLabel = "V",
            description = "invalid: image value outside the field of view (NaN and infinity are always invalid).")
    private Double outOfField;

    @Option(names = "--all-channels",
            description = "invalid: out of field only where every channel holds V (default: any channel).")
    private boolean allChannels;

    @Option(names = "--every", paramLabel = "N",
            description = "slices: keep every N-th slice; scribbles: scribble every N-th slice of 3D volumes "
                    + "(default 1).")
    private Integer every;

    @Option(names = "--fraction", paramLabel = "F",
            description = "slices: fraction of slices chosen at random; patches: fraction of the image covered.")
    private Double fraction;

    @Option(names = "--axis", paramLabel = "x|y|z",
            description = "slices, scribbles: slice axis (default z in 3D; y, i.e. rows, in 2D).")
    private String axis;

    @Option(names = "--patch-size", paramLabel = "P", defaultValue = "32",
            description = "patches: side of the square/cubic patches in voxels (default: 32).")
    private int patchSize;

    @Option(names = "--thickness", paramLabel = "T", defaultValue = "2",
            description = "scribbles: stroke width in pixels (default: 2).")
    private int thickness;

    @Option(names = "--boundary-fraction", paramLabel = "F", defaultValue = "0.25",
            description = "scribbles: part of a region's boundary the boundary scribble follows (default: 0.25).")
    private double boundaryFraction;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Also write the per-case and total reports as JSON to FILE.")
    private Path report;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outWriter = spec.commandLine().getOut();
        try {
            OutputPaths.check().input("--images", images).input("--labels", labels).input("--roi", roi)
                    .outputFolder("--out", out).outputFolder("--unknown-out", unknownOut).outputFile("--report", report)
                    .verify();
            AnnotateOptions options = options();
            FolderAnnotation.Result result = FolderAnnotation.run(options,
                    new FolderAnnotation.Folders(images, labels, roi, out, unknownOut), null);
            outWriter.print(AnnotationReport.table(result.cases()));
            outWriter.printf(Locale.ROOT, "%d label file(s) written to %s (ignore value %d)%n", result.written().size(),
                    out, result.spec().ignoreValue());
            if (!result.masks().isEmpty()) {
                outWriter.printf(Locale.ROOT, "%d unknown-region mask(s) written to %s; the %% columns count voxels"
                        + " whose class stays certain (overall: where the class is known)%n", result.masks().size(),
                        result.masks().get(0).getParent());
            }
            for (String w : result.total().warnings()) {
                err.println("maskseg: warning: " + w);
            }
            if (report != null) {
                writeReport(result);
            }
            outWriter.flush();
            return 0;
        } catch (InvalidInputException e) {
            err.println("maskseg: " + Cli.oneLine(e.getMessage()));
            err.flush();
            return Cli.FAILED;
        }
    }

    /** The options that only some modes use, and those modes. */
    private static final Map<String, Set<AnnotationMode>> MODE_OPTIONS = Map.ofEntries(
            Map.entry("--roi", EnumSet.of(AnnotationMode.ROI, AnnotationMode.CLASS_ROI)),
            Map.entry("--class", EnumSet.of(AnnotationMode.CLASS_ROI)),
            Map.entry("--unknown-out", EnumSet.of(AnnotationMode.CLASS_ROI)),
            Map.entry("--values", EnumSet.of(AnnotationMode.REMAP)),
            Map.entry("--width", EnumSet.of(AnnotationMode.BORDER)),
            Map.entry("--physical", EnumSet.of(AnnotationMode.BORDER)),
            Map.entry("--out-of-field", EnumSet.of(AnnotationMode.INVALID)),
            Map.entry("--all-channels", EnumSet.of(AnnotationMode.INVALID)),
            Map.entry("--every", EnumSet.of(AnnotationMode.SLICES, AnnotationMode.SCRIBBLES)),
            Map.entry("--fraction", EnumSet.of(AnnotationMode.SLICES, AnnotationMode.PATCHES)),
            Map.entry("--axis", EnumSet.of(AnnotationMode.SLICES, AnnotationMode.SCRIBBLES)),
            Map.entry("--patch-size", EnumSet.of(AnnotationMode.PATCHES)),
            Map.entry("--thickness", EnumSet.of(AnnotationMode.SCRIBBLES)),
            Map.entry("--boundary-fraction", EnumSet.of(AnnotationMode.SCRIBBLES)));

    /** The engine options from the command line; options the mode does not use are refused. */
    AnnotateOptions options() {
        AnnotationMode m = AnnotationMode.of(mode);
        ParseResult parsed = spec.commandLine().getParseResult();
        for (Map.Entry<String, Set<AnnotationMode>> e : new TreeMap<>(MODE_OPTIONS).entrySet()) {
            if (parsed.hasMatchedOption(e.getKey()) && !e.getValue().contains(m)) {
                throw new InvalidInputException(e.getKey() + " has no effect with --mode " + m.key() + "; it is for --mode "
                        + e.getValue().stream().map(AnnotationMode::key).collect(Collectors.joining(" and ")));
            }
        }
        return AnnotateOptions.of(m)
                .withIgnoreValue(ignoreLabel)
                .withSeed(seed)
                .withValues(values)
                .withWidth(width, physical)
                .withOutOfField(outOfField, allChannels)
                .withEvery(every)
                .withFraction(fraction)
                .withAxis(axis == null ? null : parseAxis(axis))
                .withPatchSize(patchSize)
                .withScribbleStroke(thickness, boundaryFraction)
                .withUnknownClass(unknownClass)
                .withClassNames(classNames == null ? null : classNames.stream().map(String::trim).toList())
                .validate();
    }

    private static int parseAxis(String a) {
        return switch (a.trim().toLowerCase(Locale.ROOT)) {
            case "x", "0" -> 0;
            case "y", "1" -> 1;
            case "z", "2" -> 2;
            default -> throw new InvalidInputException("--axis must be x, y or z, got '" + a + "'");
        };
    }

    private void writeReport(FolderAnnotation.Result result) {
        List<AnnotationReport> all = new ArrayList<>(result.cases());
        all.add(result.total());
        try {
            AtomicFiles.write(report, temp -> Json.MAPPER.writeValue(temp.toFile(), all));
        } catch (IOException e) {
            throw new InvalidInputException("report file '" + report + "' cannot be written: " + e.getMessage(), e);
        }
    }
}
