package org.maskseg.releng.nodeprobe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import org.knime.core.data.DataCell;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.DataType;
import org.knime.core.data.def.DefaultRow;
import org.knime.core.data.def.DoubleCell;
import org.knime.core.data.def.StringCell;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.NodeFactory;
import org.knime.core.node.NodeModel;
import org.knime.core.node.NodeSettings;
import org.knime.core.node.port.PortObject;
import org.knime.knip.base.data.img.ImgPlusCell;
import org.knime.knip.base.data.img.ImgPlusCellFactory;
import org.knime.knip.base.data.img.ImgPlusValue;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.knime.port.MaskSegModelPortObject;
import org.maskseg.knime.testing.NodeHarness;
import org.maskseg.knime.testing.Tables;
import org.maskseg.knime.util.ImageCells;

/**
 * Runs inside the OSGi framework, loaded from its own bundle that requires the node bundle, the engine bundle and the
 * KNIME stand-ins: executes the Annotator, the Masked Trainer and the Predictor through the execution double, as
 * KNIME's framework would, on a table of KNIP image cells and on a table of file paths, in 2D and in 3D (small
 * synthetic data, a couple of training steps on a small patch). Returns plain Java values, keyed by
 * {@code "<2d|3d>-<cells|files>.<what>"}.
 */
public final class NodesProbe implements Callable<Map<String, Object>> {

    static final int CASES = 3;

    private final Path work;
    private final Map<String, Object> factories;

    /**
     * @param work folder for the nodes' work and input files
     * @param factories the node factories by class name, as KNIME's framework creates them: loaded by the node
     *            bundle from the classes its plugin.xml declares (the node packages are not exported)
     */
    public NodesProbe(Path work, Map<String, Object> factories) {
        this.work = work;
        this.factories = factories;
    }

    @SuppressWarnings("unchecked")
    private NodeFactory<NodeModel> factory(String simpleName) {
        for (Map.Entry<String, Object> e : factories.entrySet()) {
            if (e.getKey().endsWith("." + simpleName)) {
                return (NodeFactory<NodeModel>) e.getValue();
            }
        }
        throw new IllegalStateException("plugin.xml declares no " + simpleName + ": " + factories.keySet());
    }

    @Override
    public Map<String, Object> call() throws Exception {
        TorchRuntime.setCpuThreads(2);
        Map<String, Object> out = new LinkedHashMap<>();
        for (int dims : new int[] {2, 3}) {
            for (boolean cells : new boolean[] {true, false}) {
                String key = dims + "d-" + (cells ? "cells" : "files");
                try {
                    run(key, dims, cells, Files.createDirectories(work.resolve(key)), out);
                } catch (Throwable e) {
                    // kept per case, so that one failure does not hide the others (e.g. NoSuchMethodError)
                    out.merge(key + ".error", describe(e), (a, b) -> a + "\n" + b);
                }
            }
        }
        return out;
    }

    private void run(String key, int dims, boolean cells, Path dir, Map<String, Object> out) throws Exception {
        BufferedDataTable input = table(dims, cells, dir);

        NodeHarness<?> annotator = NodeHarness.of(factory("AnnotatorNodeFactory"), dir.resolve("annotator"));
        NodeSettings a = annotator.saveSettings();
        a.addString("label_column", "labels");
        a.addString("mode", "scribbles");
        annotator.loadSettings(a);
        BufferedDataTable annotated;
        String trainingLabels = "Annotated labels";
        try {
            annotated = (BufferedDataTable) annotator.execute(input)[0];
            out.put(key + ".annotatedColumns", List.of(annotated.getDataTableSpec().getColumnNames()));
            TreeSet<Integer> kept = new TreeSet<>();
            int labelsColumn = annotated.getDataTableSpec().findColumnIndex("Annotated labels");
            for (DataRow r : annotated) {
                for (int v : ImageCells.toLabelVolume((ImgPlusValue<?>) r.getCell(labelsColumn), "a").data()) {
                    kept.add(v);
                }
            }
            out.put(key + ".annotatedValues", new ArrayList<>(kept));
        } catch (Throwable e) {
            // recorded; the trainer then runs on the complete labels, so that its own errors show too
            out.put(key + ".error", "Annotator: " + describe(e));
            annotated = input;
            trainingLabels = "labels";
        }

        NodeHarness<?> trainer = NodeHarness.of(factory("TrainerNodeFactory"), dir.resolve("trainer"));
        NodeSettings t = trainer.saveSettings();
        t.addString("image_column", "image");
        t.addString("label_column", trainingLabels);
        t.addString("configuration", dims + "d");
        t.addInt("epochs", 1);
        t.addInt("iterations_per_epoch", 2);
        t.addInt("validation_iterations", 1);
        t.addInt("batch_size", 2);
        t.addString("patch_size", dims == 2 ? "32, 32" : "16, 16, 8");
        t.addDouble("validation_fraction", 0.34);
        t.addString("device", "cpu");
        t.addInt("threads", 2);
        trainer.loadSettings(t);
        PortObject[] trained = trainer.execute(annotated, null, null);
        MaskSegModelPortObject model = (MaskSegModelPortObject) trained[0];
        out.put(key + ".classes", model.getSpec().getNumClasses());
        out.put(key + ".configuration", model.getSpec().getConfiguration());
        out.put(key + ".statsRows", ((BufferedDataTable) trained[1]).size());

        NodeHarness<?> predictor = NodeHarness.of(factory("PredictorNodeFactory"), dir.resolve("predictor"));
        NodeSettings p = predictor.saveSettings();
        p.addString("image_column", "image");
        p.addString("reference_column", "labels");
        p.addBoolean("append_probabilities", true);
        p.addBoolean("append_uncertainty", false);
        p.addString("device", "cpu");
        predictor.loadSettings(p);
        BufferedDataTable predicted = (BufferedDataTable) predictor.execute(model, input)[0];
        DataTableSpec spec = predicted.getDataTableSpec();
        out.put(key + ".predictedColumns", List.of(spec.getColumnNames()));
        int labels = spec.findColumnIndex("Predicted labels");
        int probabilities = spec.findColumnIndex("Class probabilities");
        int dice = spec.findColumnIndex("Mean foreground Dice");
        List<long[]> sizes = new ArrayList<>();
        List<Integer> channels = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        TreeSet<Integer> values = new TreeSet<>();
        for (DataRow r : predicted) {
            LabelVolume l = ImageCells.toLabelVolume((ImgPlusValue<?>) r.getCell(labels), "p");
            sizes.add(l.size());
            for (int v : l.data()) {
                values.add(v);
            }
            channels.add(ImageCells.toImageVolume((ImgPlusValue<?>) r.getCell(probabilities), "q").channels());
            DataCell d = r.getCell(dice);
            scores.add(d.isMissing() ? Double.NaN : ((DoubleCell) d).getDoubleValue());
        }
        out.put(key + ".rows", sizes.size());
        out.put(key + ".predictedSizes", sizes.stream().map(Arrays::toString).toList());
        out.put(key + ".predictedValues", new ArrayList<>(values));
        out.put(key + ".probabilityChannels", channels);
        out.put(key + ".meanDice", scores);
        out.put(key + ".expectedSize", Arrays.toString(size(dims)));
    }

    /** The error with the frames of MaskSeg code where it occurred. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.toString());
        int frames = 0;
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getClassName().startsWith("org.maskseg.") && frames++ < 4) {
                sb.append("\n    at ").append(f);
            }
        }
        return e.getCause() != null && e.getCause() != e ? sb + "\n  caused by " + describe(e.getCause()) : sb.toString();
    }

    static long[] size(int dims) {
        return dims == 2 ? new long[] {40, 36} : new long[] {24, 20, 12};
    }

    /** Columns "image" and "labels": KNIP image cells, or paths of PNG (2D) or NIfTI (3D) files. */
    static BufferedDataTable table(int dims, boolean cells, Path dir) throws Exception {
        DataType type = cells ? ImgPlusCell.TYPE : StringCell.TYPE;
        DataTableSpec spec = Tables.spec("image", type, "labels", type);
        ImgPlusCellFactory factory = new ImgPlusCellFactory(null);
        List<DataRow> rows = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            int radius = dims == 2 ? 8 + 2 * i : 4 + i;
            ImageVolume image = image("case" + i, dims, radius);
            LabelVolume labels = labels("case" + i, dims, radius);
            DataCell imageCell;
            DataCell labelCell;
            if (cells) {
                imageCell = ImageCells.imageCell(image, factory);
                labelCell = ImageCells.labelCell(labels, factory);
            } else {
                String ext = dims == 2 ? ".png" : ".nii.gz";
                Path imageFile = dir.resolve("image" + i + ext);
                Path labelFile = dir.resolve("labels" + i + ext);
                ImageFiles.writeImage(image, imageFile);
                ImageFiles.writeLabels(labels, labelFile);
                imageCell = new StringCell(imageFile.toString());
                labelCell = new StringCell(labelFile.toString());
            }
            rows.add(new DefaultRow("case " + i, imageCell, labelCell));
        }
        return Tables.table(spec, rows);
    }

    /** A bright ball (disk in 2D) of the given radius on a darker ramp; integer values (PNG-safe). */
    static ImageVolume image(String name, int dims, int radius) {
        long[] size = size(dims);
        float[] data = new float[(int) Arrays.stream(size).reduce(1, (x, y) -> x * y)];
        for (int i = 0; i < data.length; i++) {
            long[] p = position(i, size);
            data[i] = (inside(p, size, radius) ? 180 : 30) + (p[0] % 7) + ((p[1] * 3) % 5);
        }
        double[] spacing = new double[dims];
        Arrays.fill(spacing, 1);
        return ImageVolume.wrap(name, data, size, 1, spacing);
    }

    /** Ball = 1, background = 0. */
    static LabelVolume labels(String name, int dims, int radius) {
        long[] size = size(dims);
        int[] data = new int[(int) Arrays.stream(size).reduce(1, (x, y) -> x * y)];
        for (int i = 0; i < data.length; i++) {
            data[i] = inside(position(i, size), size, radius) ? 1 : 0;
        }
        double[] spacing = new double[dims];
        Arrays.fill(spacing, 1);
        return LabelVolume.wrap(name, data, size, spacing);
    }

    private static long[] position(long index, long[] size) {
        long[] p = new long[size.length];
        long rest = index;
        for (int d = 0; d < size.length; d++) {
            p[d] = rest % size[d];
            rest /= size[d];
        }
        return p;
    }

    private static boolean inside(long[] p, long[] size, int radius) {
        long r2 = 0;
        for (int d = 0; d < p.length; d++) {
            long c = p[d] - size[d] / 2;
            r2 += c * c;
        }
        return r2 <= (long) radius * radius;
    }
}
