package org.maskseg.core.annotate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.Json;
import org.maskseg.core.labels.LabelSpec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * How much of the dense input an annotation operation kept: per class, the annotated voxels of the
 * result divided by the voxels of that class in the input (voxels that were already ignore in the input
 * count for no class); overall, the annotated voxels of the result divided by the non-ignore voxels of
 * the input. Plain data: printable with {@link #toString()}, serialisable with {@link #toJson()}.
 *
 * @param name            the case (label image) name, or "all cases" for a {@link #total} report
 * @param operation       what was done, e.g. "scribbles"
 * @param classes         one entry per class of the label spec
 * @param inputAnnotated  non-ignore voxels of the input
 * @param annotated       non-ignore voxels of the result
 * @param voxels          all voxels
 * @param warnings        things the user should know, e.g. a class that lost all its voxels
 */
public record AnnotationReport(String name, String operation, List<ClassFraction> classes, long inputAnnotated,
        long annotated, long voxels, List<String> warnings) {

    /**
     * Annotated voxels of one class.
     *
     * @param value           the class value
     * @param className       its name
     * @param inputVoxels     voxels of this class in the input
     * @param annotatedVoxels voxels of this class in the result
     */
    public record ClassFraction(int value, String className, long inputVoxels, long annotatedVoxels) {

        /** annotatedVoxels / inputVoxels, NaN when the class does not occur in the input. */
        @JsonIgnore
        public double fraction() {
            return inputVoxels == 0 ? Double.NaN : (double) annotatedVoxels / inputVoxels;
        }

        /** The fraction for JSON: null instead of NaN. */
        @JsonProperty("fraction")
        Double fractionOrNull() {
            return inputVoxels == 0 ? null : fraction();
        }
    }

    public AnnotationReport {
        classes = List.copyOf(classes);
        warnings = List.copyOf(warnings);
    }

    /** Counts what {@code result} kept of {@code input} (same size, both in the spec's convention). */
    public static AnnotationReport compare(String operation, LabelSpec spec, LabelVolume input, LabelVolume result) {
        LabelMasking.checkSameSize(input, result.size(), "result '" + result.name() + "'");
        int k = spec.numClasses();
        int ignore = spec.ignoreValue();
        long[] before = new long[k];
        long[] after = new long[k];
        long inputAnnotated = 0;
        long annotated = 0;
        int[] a = input.data();
        int[] b = result.data();
        for (int i = 0; i < a.length; i++) {
            if (a[i] != ignore) {
                inputAnnotated++;
                if (spec.isClass(a[i])) {
                    before[a[i]]++;
                }
            }
            if (b[i] != ignore) {
                annotated++;
                if (spec.isClass(b[i])) {
                    after[b[i]]++;
                }
            }
        }
        List<ClassFraction> classes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            String className = spec.classNames().get(c);
            classes.add(new ClassFraction(c, className, before[c], after[c]));
            if (before[c] > 0 && after[c] == 0) {
                warnings.add("labels '" + input.name() + "': " + className + " (value " + c + ") occurs in the input"
                        + " but has no annotated voxel left");
            }
        }
        return new AnnotationReport(input.name(), operation, classes, inputAnnotated, annotated, a.length, warnings);
    }

    /** The sums over several reports of the same classes, named "all cases". */
    public static AnnotationReport total(List<AnnotationReport> reports) {
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("no reports to add up");
        }
        AnnotationReport first = reports.get(0);
        int k = first.classes.size();
        long[] before = new long[k];
        long[] after = new long[k];
        long inputAnnotated = 0;
        long annotated = 0;
        long voxels = 0;
        List<String> warnings = new ArrayList<>();
        for (AnnotationReport r : reports) {
            if (r.classes.size() != k) {
                throw new IllegalArgumentException("reports with different classes cannot be added up");
            }
            for (int c = 0; c < k; c++) {
                before[c] += r.classes.get(c).inputVoxels();
                after[c] += r.classes.get(c).annotatedVoxels();
            }
            inputAnnotated += r.inputAnnotated;
            annotated += r.annotated;
            voxels += r.voxels;
            warnings.addAll(r.warnings);
        }
        List<ClassFraction> classes = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            ClassFraction f = first.classes.get(c);
            classes.add(new ClassFraction(f.value(), f.className(), before[c], after[c]));
        }
        return new AnnotationReport("all cases", first.operation, classes, inputAnnotated, annotated, voxels,
                warnings);
    }

    /** annotated / inputAnnotated: the part of the input's annotation that the result keeps. */
    @JsonIgnore
    public double fraction() {
        return inputAnnotated == 0 ? Double.NaN : (double) annotated / inputAnnotated;
    }

    @JsonProperty("fraction")
    Double fractionOrNull() {
        return inputAnnotated == 0 ? null : fraction();
    }

    /** This report as a JSON object; absent classes have a null fraction. */
    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("annotation report cannot be written as JSON", e);
        }
    }

    /**
     * A table with one row per report: name, annotated fraction per class (in %, "-" when absent) and
     * overall; a row for the total of all reports is added when there are several.
     */
    public static String table(List<AnnotationReport> reports) {
        if (reports.isEmpty()) {
            return "";
        }
        List<AnnotationReport> rows = new ArrayList<>(reports);
        if (reports.size() > 1) {
            rows.add(total(reports));
        }
        List<String> header = new ArrayList<>();
        header.add("case");
        for (ClassFraction c : reports.get(0).classes) {
            header.add(c.className() + " %");
        }
        header.add("overall %");
        List<List<String>> cells = new ArrayList<>();
        for (AnnotationReport r : rows) {
            List<String> row = new ArrayList<>();
            row.add(r.name);
            for (ClassFraction c : r.classes) {
                row.add(percent(c.fraction()));
            }
            row.add(percent(r.fraction()));
            cells.add(row);
        }
        int[] widths = new int[header.size()];
        for (int j = 0; j < widths.length; j++) {
            widths[j] = header.get(j).length();
            for (List<String> row : cells) {
                widths[j] = Math.max(widths[j], row.get(j).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        appendRow(sb, header, widths);
        for (int i = 0; i < cells.size(); i++) {
            if (i == reports.size()) {
                sb.append("-".repeat(sum(widths) + 2 * (widths.length - 1))).append('\n');
            }
            appendRow(sb, cells.get(i), widths);
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, List<String> row, int[] widths) {
        for (int j = 0; j < row.size(); j++) {
            String cell = row.get(j);
            if (j == 0) {
                sb.append(cell).append(" ".repeat(widths[j] - cell.length()));
            } else {
                sb.append("  ").append(" ".repeat(widths[j] - cell.length())).append(cell);
            }
        }
        sb.append('\n');
    }

    private static int sum(int[] a) {
        int s = 0;
        for (int v : a) {
            s += v;
        }
        return s;
    }

    private static String percent(double f) {
        return Double.isNaN(f) ? "-" : String.format(Locale.ROOT, "%.2f", 100 * f);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(operation + " on '" + name + "': ");
        sb.append(String.format(Locale.ROOT, "%d of %d annotated voxels kept (%s %%)", annotated, inputAnnotated,
                percent(fraction())));
        for (ClassFraction c : classes) {
            sb.append(String.format(Locale.ROOT, "; %s %d/%d (%s %%)", c.className(), c.annotatedVoxels(),
                    c.inputVoxels(), percent(c.fraction())));
        }
        for (String w : warnings) {
            sb.append("\n  warning: ").append(w);
        }
        return sb.toString();
    }
}
