package org.maskseg.knime.predictor;

import java.util.ArrayList;
import java.util.List;

import org.knime.core.data.DataCell;
import org.knime.core.data.DataColumnSpec;
import org.knime.core.data.DataColumnSpecCreator;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.DataType;
import org.knime.core.data.def.DefaultRow;
import org.knime.core.data.def.DoubleCell;
import org.knime.core.node.BufferedDataContainer;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;
import org.knime.knip.base.data.img.ImgPlusCell;
import org.knime.knip.base.data.img.ImgPlusCellFactory;
import org.maskseg.core.CancelledException;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.evaluate.Scores;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.RegionSet;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.predict.ModelPredictor;
import org.maskseg.core.predict.Prediction;
import org.maskseg.core.predict.PredictionMonitor;
import org.maskseg.knime.port.MaskSegModelPortObject;
import org.maskseg.knime.port.MaskSegModelPortObjectSpec;
import org.maskseg.knime.util.CellReader;
import org.maskseg.knime.util.Columns;
import org.maskseg.knime.util.IgnoreValueProperty;
import org.maskseg.knime.util.ImageCells;
import org.maskseg.knime.util.PartialLabelColumns;
import org.maskseg.knime.util.SettingsNodeModel;

import ai.djl.Device;

/**
 * Predictor: segments the images of a table with a model (sliding window, as in training), appending the label
 * images and optionally class probabilities, uncertainty, and Dice scores against reference labels: per foreground
 * class for a class model, per region for a region-based model. The reference's ignore value is the one its column
 * declares ({@link IgnoreValueProperty}), else the model's. Partial-label columns of the reference (annotated classes,
 * unknown masks) limit each class's score to where the reference knows that class; region scores do not take them.
 */
final class PredictorNodeModel extends SettingsNodeModel<PredictorSettings> {

    static final String PROBABILITIES_COLUMN = "Class probabilities";

    static final String UNCERTAINTY_COLUMN = "Uncertainty";

    static final String MEAN_DICE_COLUMN = "Mean foreground Dice";

    static final String MEAN_REGION_DICE_COLUMN = "Mean region Dice";

    PredictorNodeModel() {
        super(new PortType[]{MaskSegModelPortObject.TYPE, BufferedDataTable.TYPE},
            new PortType[]{BufferedDataTable.TYPE}, new PredictorSettings());
    }

    @Override
    protected PortObjectSpec[] configure(final PortObjectSpec[] inSpecs) throws InvalidSettingsException {
        DataTableSpec in = (DataTableSpec)inSpecs[1];
        if (m_settings.imageColumn.getStringValue().isEmpty()) {
            String guess = Columns.guess(in, java.util.Set.of(), List.of(), Columns.IMAGE_OR_PATH);
            if (guess != null) {
                m_settings.imageColumn.setStringValue(guess);
                setWarningMessage("Image column preset to \"" + guess + "\"");
            }
        }
        Columns.require(in, m_settings.imageColumn.getStringValue(), "Image column", Columns.IMAGE_OR_PATH);
        if (m_settings.scores()) {
            Columns.require(in, m_settings.referenceColumn.getStringValue(), "Reference labels for scoring",
                Columns.IMAGE_OR_PATH);
            IgnoreValueProperty.of(in.getColumnSpec(m_settings.referenceColumn.getStringValue()));
            PartialLabelColumns partial = m_settings.referencePartialLabels(in);
            if (inSpecs[0] instanceof MaskSegModelPortObjectSpec model && model.isRegionBased() && !partial.isEmpty()) {
                throw new InvalidSettingsException(regionModelRefusal(partial));
            }
        }
        m_settings.check();
        return new PortObjectSpec[]{outputSpec(in, (MaskSegModelPortObjectSpec)inSpecs[0])};
    }

    private DataTableSpec outputSpec(final DataTableSpec in, final MaskSegModelPortObjectSpec model) {
        List<DataColumnSpec> added = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of(in.getColumnNames()));
        added.add(column(names, m_settings.outputColumn.getStringValue().trim(), ImgPlusCell.TYPE));
        if (m_settings.probabilities.getBooleanValue()) {
            added.add(column(names, PROBABILITIES_COLUMN, ImgPlusCell.TYPE));
        }
        if (m_settings.uncertainty.getBooleanValue()) {
            added.add(column(names, UNCERTAINTY_COLUMN, ImgPlusCell.TYPE));
        }
        if (m_settings.scores()) {
            if (model.isRegionBased()) {
                for (String region : model.getRegionNames()) {
                    added.add(column(names, "Dice " + region, DoubleCell.TYPE));
                }
                added.add(column(names, MEAN_REGION_DICE_COLUMN, DoubleCell.TYPE));
            } else {
                List<String> classes = model.getClassNames();
                for (int c = 1; c < classes.size(); c++) {
                    added.add(column(names, "Dice " + classes.get(c), DoubleCell.TYPE));
                }
                added.add(column(names, MEAN_DICE_COLUMN, DoubleCell.TYPE));
            }
        }
        return new DataTableSpec(in, new DataTableSpec(added.toArray(DataColumnSpec[]::new)));
    }

    /** A column whose name is made unique against the names taken so far, the way KNIME does it. */
    private static DataColumnSpec column(final List<String> taken, final String name, final DataType type) {
        String unique = name;
        for (int i = 1; taken.contains(unique); i++) {
            unique = name + " (#" + i + ")";
        }
        taken.add(unique);
        return new DataColumnSpecCreator(unique, type).createSpec();
    }

    @Override
    protected PortObject[] execute(final PortObject[] inObjects, final ExecutionContext exec) throws Exception {
        MaskSegModelPortObject modelPort = (MaskSegModelPortObject)inObjects[0];
        BufferedDataTable table = (BufferedDataTable)inObjects[1];
        if (table.size() == 0) {
            throw new InvalidInputException("The input table is empty; there is nothing to predict");
        }
        DataTableSpec in = table.getDataTableSpec();
        CellReader reader = new CellReader(in, m_settings.scores() ? m_settings.referenceColumn.getStringValue() : null,
            m_settings.imageColumn.getStringValue(), null);
        exec.setMessage("Loading the model");
        TrainedModel model = TrainedModel.load(modelPort.getModelFile());
        LabelSpec referenceSpec = m_settings.scores() ? referenceSpec(in, model) : null;
        PartialLabelColumns partial = m_settings.scores() ? m_settings.referencePartialLabels(in) : null;
        if (partial != null && !partial.isEmpty() && !model.regions().isEmpty()) {
            throw new InvalidInputException(regionModelRefusal(partial));
        }
        Prediction.Outputs outputs =
            new Prediction.Outputs(m_settings.probabilities.getBooleanValue(), m_settings.uncertainty.getBooleanValue());
        // columns from the model itself: a spec saved by an older version does not name a model's regions
        BufferedDataContainer out = exec.createDataContainer(outputSpec(in, MaskSegModelPortObjectSpec.of(model)));
        ImgPlusCellFactory cells = new ImgPlusCellFactory(exec);
        long rows = table.size();
        List<String> scoreNames = new ArrayList<>(model.scoreNames());
        double[] scoreSums = new double[scoreNames.size() + 1];
        int[] scoreCounts = new int[scoreSums.length];
        Device device = TorchRuntime.device(m_settings.device.getStringValue());
        try (ModelPredictor predictor = ModelPredictor.open(model, device, m_settings.predictionSettings())) {
            String slow = Precision.cpuWarning(predictor.precision(), device);
            if (slow != null) {
                setWarningMessage(slow);
            }
            long index = 0;
            for (DataRow r : table) {
                exec.checkCanceled();
                ImageVolume image = reader.image(r);
                long row = index;
                Prediction p = reader.inRow(r, () -> predictor.predict(image, outputs, monitor(exec, row, rows)));
                List<DataCell> cellsOut = new ArrayList<>();
                r.forEach(cellsOut::add);
                cellsOut.add(ImageCells.labelCell(p.labels(), cells));
                if (outputs.probabilities()) {
                    cellsOut.add(ImageCells.imageCell(p.probabilities(), cells));
                }
                if (outputs.uncertainty()) {
                    cellsOut.add(ImageCells.imageCell(p.uncertainty(), cells));
                }
                if (m_settings.scores()) {
                    ClassKnowledge knowledge = partial.knowledge(r, model.labels().classNames());
                    List<DataCell> rowScores = reader.inRow(r, () -> scores(r.getKey().getString(), reader.labels(r),
                        p.labels(), referenceSpec, model.regions(), knowledge));
                    for (int i = 0; i < rowScores.size() && i < scoreSums.length; i++) {
                        double v = ((DoubleCell)rowScores.get(i)).getDoubleValue();
                        if (Double.isFinite(v)) {
                            scoreSums[i] += v;
                            scoreCounts[i]++;
                        }
                    }
                    cellsOut.addAll(rowScores);
                }
                out.addRowToTable(new DefaultRow(r.getKey(), cellsOut));
                index++;
                exec.setProgress(index / (double)rows, "Predicted " + index + " of " + rows + " images");
            }
        } catch (CancelledException e) {
            throw new CanceledExecutionException("Prediction cancelled");
        }
        out.close();
        if (m_settings.scores()) {
            scoreNames.add("mean");
            pushScores(scoreNames, scoreSums, scoreCounts);
        }
        return new PortObject[]{out.getTable()};
    }

    /** Prefix of the flow variables with the Dice per class (or region) and their mean. */
    static final String FLOW_DICE_PREFIX = "maskseg_dice_";

    /**
     * The Dice scores as flow variables: per foreground class (or region) and the mean over them, each averaged over
     * the rows where it is defined (NaN when it is defined in none).
     */
    private void pushScores(final List<String> names, final double[] sums, final int[] counts) {
        for (int i = 0; i < names.size(); i++) {
            pushFlowVariableDouble(FLOW_DICE_PREFIX + names.get(i), counts[i] == 0 ? Double.NaN : sums[i] / counts[i]);
        }
    }

    /**
     * The classes of the model with the ignore value of the reference labels: the one their column declares, else the
     * model's.
     */
    private LabelSpec referenceSpec(final DataTableSpec in, final TrainedModel model) throws InvalidSettingsException {
        String column = m_settings.referenceColumn.getStringValue();
        Integer declared = IgnoreValueProperty.of(in.getColumnSpec(column));
        LabelSpec labels = model.labels();
        if (declared == null || declared == labels.ignoreValue()) {
            return labels;
        }
        if (declared >= 0 && declared < labels.numClasses()) {
            throw new InvalidInputException("The reference column \"" + column + "\" declares the ignore value "
                + declared + ", which is one of the model's classes (0.." + (labels.numClasses() - 1) + "); score "
                + "against labels whose ignore value lies outside the classes");
        }
        return new LabelSpec(labels.numClasses(), declared, labels.classNames());
    }

    /** Why partial labels of the reference cannot score a region-based model, and how to go on. */
    private static String regionModelRefusal(final PartialLabelColumns partial) {
        List<String> columns = new ArrayList<>();
        if (partial.annotatedClassesColumn() != null) {
            columns.add(partial.annotatedClassesColumn());
        }
        partial.maskColumns().forEach(m -> columns.add(m.column()));
        return "The model is region-based and is scored per region, but the reference has partial labels (columns "
            + columns + "), which say per class where it is known and can only score classes. To score the regions "
            + "over every annotated reference pixel, clear \"Annotated classes column\" and \"Unknown mask column\" "
            + "and stop using the \"Unknown mask (class)\" columns";
    }

    /**
     * The Dice cells of one row: per foreground class and their mean, or for a region-based model per region and
     * their mean; undefined scores (nothing of a class or region in reference or prediction) are NaN. A class is
     * scored only where {@code knowledge} says the reference knows it (region scores require complete knowledge).
     */
    static List<DataCell> scores(final String name, final LabelVolume reference, final LabelVolume predicted,
        final LabelSpec spec, final RegionSet regions, final ClassKnowledge knowledge) {
        Scores s = Scores.score(List.of(name), List.of(reference), List.of(predicted), spec, regions,
            knowledge == null ? null : List.of(knowledge));
        List<DataCell> cells = new ArrayList<>();
        for (int i = 0; i < s.names().size(); i++) {
            cells.add(new DoubleCell(s.dice(i)));
        }
        cells.add(new DoubleCell(s.meanDice()));
        return cells;
    }

    /** Window progress within the current row, and cancellation polled between forward passes. */
    private static PredictionMonitor monitor(final ExecutionMonitor exec, final long row, final long rows) {
        return new PredictionMonitor() {
            @Override
            public boolean isCancelled() {
                try {
                    exec.checkCanceled();
                    return false;
                } catch (CanceledExecutionException e) {
                    return true;
                }
            }

            @Override
            public void progress(final long windowsDone, final long windowsTotal) {
                double within = windowsTotal == 0 ? 0 : windowsDone / (double)windowsTotal;
                exec.setProgress((row + within) / rows,
                    () -> "Image " + (row + 1) + " of " + rows + ": window " + windowsDone + " of " + windowsTotal);
            }
        };
    }
}
