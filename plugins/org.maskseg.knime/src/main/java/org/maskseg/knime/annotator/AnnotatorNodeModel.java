package org.maskseg.knime.annotator;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.knime.core.data.DataCell;
import org.knime.core.data.DataColumnSpec;
import org.knime.core.data.DataColumnSpecCreator;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.collection.CollectionCellFactory;
import org.knime.core.data.collection.ListCell;
import org.knime.core.data.def.DefaultRow;
import org.knime.core.data.def.DoubleCell;
import org.knime.core.data.def.IntCell;
import org.knime.core.data.def.LongCell;
import org.knime.core.data.def.StringCell;
import org.knime.core.node.BufferedDataContainer;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.InvalidSettingsException;
import org.knime.knip.base.data.img.ImgPlusCell;
import org.knime.knip.base.data.img.ImgPlusCellFactory;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.annotate.Annotation;
import org.maskseg.core.annotate.AnnotationReport;
import org.maskseg.core.annotate.Annotator;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.knime.util.CellReader;
import org.maskseg.knime.util.Columns;
import org.maskseg.knime.util.IgnoreValueProperty;
import org.maskseg.knime.util.ImageCells;
import org.maskseg.knime.util.SettingsNodeModel;
import org.maskseg.knime.util.UnknownMaskColumns;

/**
 * Ignore-Label Annotator: turns the labels of each row into labels with an ignore region, using the engine's
 * annotator. Output 0 is the input with the annotated label image (in mode class-roi also the unknown-region mask of
 * the chosen class), the kept fraction, and the kept fraction per class (a list, in class order: the classes are
 * found from the data, so their number is unknown at configure time) appended; output 1 lists per row and class
 * how many voxels the input had and how many stay annotated.
 */
final class AnnotatorNodeModel extends SettingsNodeModel<AnnotatorSettings> {

    static final String FRACTION_COLUMN = "Annotated fraction";

    static final String CLASS_FRACTIONS_COLUMN = "Annotated fraction per class";

    AnnotatorNodeModel() {
        super(1, 2, new AnnotatorSettings());
    }

    @Override
    protected DataTableSpec[] configure(final DataTableSpec[] inSpecs) throws InvalidSettingsException {
        DataTableSpec in = inSpecs[0];
        autoSelectLabelColumn(in);
        m_settings.validateColumns(in);
        m_settings.options();
        // with the default ignore value (highest class + 1) the value is known only once the labels are read
        Integer ignore = m_settings.defaultIgnore.getBooleanValue() ? null : m_settings.ignoreValue.getIntValue();
        return new DataTableSpec[]{outputSpec(in, m_settings.unknownClassName(), ignore), statisticsSpec()};
    }

    private void autoSelectLabelColumn(final DataTableSpec in) {
        String label = m_settings.labelColumn.getStringValue();
        if ((label == null || label.isEmpty())) {
            String guess = Columns.guess(in, Set.of(), Columns.LABEL_HINTS, Columns.IMAGE_OR_PATH);
            if (guess != null) {
                m_settings.labelColumn.setStringValue(guess);
                setWarningMessage("Label column preset to \"" + guess + "\"");
            }
        }
    }

    /**
     * The input columns, then the annotated labels, for mode class-roi the unknown-region mask of its class (an
     * image cell like the labels), and the annotated fraction.
     *
     * The label column declares its ignore value through {@link IgnoreValueProperty}, for the Masked Trainer and the
     * Predictor downstream.
     *
     * @param unknownClass the class whose unknown mask is appended, or null
     * @param ignoreValue the ignore value written into the labels, or null when not known yet
     */
    private DataTableSpec outputSpec(final DataTableSpec in, final String unknownClass, final Integer ignoreValue) {
        List<DataColumnSpec> added = new ArrayList<>();
        String name = DataTableSpec.getUniqueColumnName(in, m_settings.outputColumn.getStringValue().trim());
        DataColumnSpec labels = new DataColumnSpecCreator(name, ImgPlusCell.TYPE).createSpec();
        added.add(ignoreValue == null ? labels : IgnoreValueProperty.set(labels, ignoreValue));
        if (unknownClass != null) {
            added.add(new DataColumnSpecCreator(unique(in, added, UnknownMaskColumns.name(unknownClass)),
                ImgPlusCell.TYPE).createSpec());
        }
        added.add(new DataColumnSpecCreator(unique(in, added, FRACTION_COLUMN), DoubleCell.TYPE).createSpec());
        added.add(new DataColumnSpecCreator(unique(in, added, CLASS_FRACTIONS_COLUMN),
            ListCell.getCollectionType(DoubleCell.TYPE)).createSpec());
        return new DataTableSpec(in, new DataTableSpec(added.toArray(DataColumnSpec[]::new)));
    }

    /** A name unique among the input columns and those already added. */
    private static String unique(final DataTableSpec in, final List<DataColumnSpec> added, final String name) {
        return DataTableSpec.getUniqueColumnName(new DataTableSpec(in, new DataTableSpec(
            added.toArray(DataColumnSpec[]::new))), name);
    }

    static DataTableSpec statisticsSpec() {
        return new DataTableSpec("Annotation per class",
            new DataColumnSpecCreator("Row ID", StringCell.TYPE).createSpec(),
            new DataColumnSpecCreator("Class", IntCell.TYPE).createSpec(),
            new DataColumnSpecCreator("Class name", StringCell.TYPE).createSpec(),
            new DataColumnSpecCreator("Input voxels", LongCell.TYPE).createSpec(),
            new DataColumnSpecCreator("Annotated voxels", LongCell.TYPE).createSpec(),
            new DataColumnSpecCreator(FRACTION_COLUMN, DoubleCell.TYPE).createSpec());
    }

    @Override
    protected BufferedDataTable[] execute(final BufferedDataTable[] inData, final ExecutionContext exec)
        throws Exception {
        BufferedDataTable table = inData[0];
        if (table.size() == 0) {
            throw new InvalidInputException("The input table is empty; it needs at least one row with a label image");
        }
        DataTableSpec in = table.getDataTableSpec();
        CellReader reader = new CellReader(in, m_settings.labelColumn.getStringValue(),
            m_settings.needsImage() ? m_settings.imageColumn.getStringValue() : null,
            m_settings.needsRoi() ? m_settings.roiColumn.getStringValue() : null);
        Annotator annotator = new Annotator(m_settings.options());
        String unknownClass = m_settings.unknownClassName();

        // First pass: the classes follow from the label values of all rows together.
        ExecutionMonitor scan = exec.createSubProgress(0.3);
        TreeSet<Integer> values = new TreeSet<>();
        long row = 0;
        for (DataRow r : table) {
            exec.checkCanceled();
            values.addAll(Annotator.distinctValues(reader.labels(r)));
            scan.setProgress(++row / (double)table.size(), () -> "Reading labels of row " + r.getKey());
        }
        LabelSpec spec = annotator.labelSpec(values);

        ExecutionMonitor annotate = exec.createSubProgress(0.7);
        BufferedDataContainer out = exec.createDataContainer(outputSpec(in, unknownClass, spec.ignoreValue()));
        BufferedDataContainer stats = exec.createDataContainer(statisticsSpec());
        ImgPlusCellFactory cells = new ImgPlusCellFactory(exec);
        Set<String> warnings = new LinkedHashSet<>();
        row = 0;
        for (DataRow r : table) {
            exec.checkCanceled();
            LabelVolume labels = reader.labels(r);
            ImageVolume image = reader.hasImage() ? reader.image(r) : null;
            LabelVolume roi = reader.hasRoi() ? reader.roi(r) : null;
            Annotation result = reader.inRow(r, () -> annotator.annotate(labels, spec, image, roi));
            AnnotationReport report = result.report();
            report.warnings().forEach(w -> warnings.add(r.getKey() + ": " + w));
            List<DataCell> cellsOut = new ArrayList<>();
            r.forEach(cellsOut::add);
            cellsOut.add(ImageCells.labelCell(result.labels(), cells));
            if (unknownClass != null) {
                cellsOut.add(ImageCells.labelCell(result.unknown().mask(), cells));
            }
            cellsOut.add(new DoubleCell(report.fraction()));
            cellsOut.add(classFractions(report));
            out.addRowToTable(new DefaultRow(r.getKey(), cellsOut));
            for (AnnotationReport.ClassFraction c : report.classes()) {
                stats.addRowToTable(new DefaultRow(r.getKey().getString() + " #" + c.value(),
                    new StringCell(r.getKey().getString()), new IntCell(c.value()), new StringCell(c.className()),
                    new LongCell(c.inputVoxels()), new LongCell(c.annotatedVoxels()), new DoubleCell(c.fraction())));
            }
            long done = ++row;
            annotate.setProgress(done / (double)table.size(), () -> "Annotated row " + done + " of " + table.size());
        }
        out.close();
        stats.close();
        if (!warnings.isEmpty()) {
            setWarningMessage(String.join("\n", warnings));
        }
        return new BufferedDataTable[]{out.getTable(), stats.getTable()};
    }

    /** Kept fraction of each class, in class order; NaN for a class that does not occur in the row's input. */
    static DataCell classFractions(final AnnotationReport report) {
        List<DoubleCell> fractions = new ArrayList<>();
        for (AnnotationReport.ClassFraction c : report.classes()) {
            fractions.add(new DoubleCell(c.fraction()));
        }
        return CollectionCellFactory.createListCell(fractions);
    }
}
