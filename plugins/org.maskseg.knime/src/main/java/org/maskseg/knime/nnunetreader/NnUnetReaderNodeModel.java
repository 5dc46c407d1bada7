package org.maskseg.knime.nnunetreader;

import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.knime.core.data.DataColumnSpec;
import org.knime.core.data.DataColumnSpecCreator;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.def.DefaultRow;
import org.knime.core.data.def.StringCell;
import org.knime.core.node.BufferedDataContainer;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeModel;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.NodeSettingsWO;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.io.DatasetCase;
import org.maskseg.core.io.DatasetFolder;
import org.maskseg.core.io.NnUnetDataset;
import org.maskseg.knime.util.DatasetProperties;
import org.maskseg.knime.util.IgnoreValueProperty;

/**
 * nnU-Net Dataset Reader: lists the cases of an nnU-Net v2 raw dataset folder (the engine's {@link NnUnetDataset}
 * checks dataset.json and the folders) as a table of file paths, one row per case, row key = case name. The label
 * column declares the classes, ignore value and regions of dataset.json, the image column its channel names, as
 * column properties the Masked Trainer picks up ({@link DatasetProperties}, {@link IgnoreValueProperty}).
 */
final class NnUnetReaderNodeModel extends NodeModel {

    static final String IMAGE_COLUMN = "Image";

    static final String LABEL_COLUMN = "Labels";

    private final NnUnetReaderSettings m_settings = new NnUnetReaderSettings();

    NnUnetReaderNodeModel() {
        super(0, 1);
    }

    NnUnetReaderSettings settings() {
        return m_settings;
    }

    @Override
    protected DataTableSpec[] configure(final DataTableSpec[] inSpecs) throws InvalidSettingsException {
        NnUnetDataset ds = open();
        if (!ds.notes().isEmpty()) {
            setWarningMessage(String.join("\n", ds.notes()));
        }
        return new DataTableSpec[]{spec(ds, m_settings.training())};
    }

    private NnUnetDataset open() throws InvalidSettingsException {
        Path folder = m_settings.path();
        try {
            return NnUnetDataset.open(folder);
        } catch (InvalidInputException e) {
            throw new InvalidSettingsException(e.getMessage(), e);
        }
    }

    /** Image (and, for training cases, label) file paths; the columns declare what dataset.json says. */
    static DataTableSpec spec(final NnUnetDataset ds, final boolean training) {
        DataColumnSpec image = DatasetProperties.set(new DataColumnSpecCreator(IMAGE_COLUMN, StringCell.TYPE)
            .createSpec(), Map.of(DatasetProperties.CHANNEL_NAMES, DatasetProperties.list(ds.channelNames())));
        if (!training) {
            return new DataTableSpec("nnU-Net test cases", image);
        }
        Map<String, String> declared = new HashMap<>();
        declared.put(DatasetProperties.CLASS_NAMES, DatasetProperties.list(ds.labels().classNames()));
        declared.put(DatasetProperties.REGIONS, ds.regionsText());
        DataColumnSpec labels = DatasetProperties.set(new DataColumnSpecCreator(LABEL_COLUMN, StringCell.TYPE)
            .createSpec(), declared);
        if (ds.declaresIgnore()) {
            labels = IgnoreValueProperty.set(labels, ds.labels().ignoreValue());
        }
        return new DataTableSpec("nnU-Net training cases", image, labels);
    }

    @Override
    protected BufferedDataTable[] execute(final BufferedDataTable[] inData, final ExecutionContext exec)
        throws Exception {
        NnUnetDataset ds = open();
        boolean training = m_settings.training();
        DatasetFolder folder = training ? ds.training() : ds.testImages().orElseThrow(() -> new InvalidInputException(
            "nnU-Net dataset '" + ds.folder() + "' has no folder " + NnUnetDataset.IMAGES_TS + " of test cases"));
        BufferedDataContainer out = exec.createDataContainer(spec(ds, training));
        int row = 0;
        for (DatasetCase c : folder.cases()) {
            exec.checkCanceled();
            if (c.imageFiles().size() != 1) {
                throw new InvalidInputException("case '" + c.name() + "' of '" + ds.folder() + "' has "
                    + c.imageFiles().size() + " channel files (" + c.name() + "_0000" + ds.fileEnding() + " ...); a "
                    + "table row holds one image file, so this node reads datasets with one file per case; train on "
                    + "this dataset with the command line: maskseg train --dataset DIR");
            }
            StringCell image = new StringCell(c.imageFiles().get(0).toAbsolutePath().toString());
            out.addRowToTable(training
                ? new DefaultRow(c.name(), image,
                    new StringCell(c.labelFile().orElseThrow().toAbsolutePath().toString()))
                : new DefaultRow(c.name(), image));
            row++;
            exec.setProgress(row / (double)folder.size());
        }
        out.close();
        return new BufferedDataTable[]{out.getTable()};
    }

    @Override
    protected void saveSettingsTo(final NodeSettingsWO settings) {
        m_settings.saveTo(settings);
    }

    @Override
    protected void validateSettings(final NodeSettingsRO settings) throws InvalidSettingsException {
        m_settings.validate(settings);
    }

    @Override
    protected void loadValidatedSettingsFrom(final NodeSettingsRO settings) throws InvalidSettingsException {
        m_settings.loadFrom(settings);
    }

    @Override
    protected void reset() {
        // nothing is kept between executions
    }

    @Override
    protected void loadInternals(final File nodeInternDir, final ExecutionMonitor exec) {
        // the table is the output
    }

    @Override
    protected void saveInternals(final File nodeInternDir, final ExecutionMonitor exec) {
        // the table is the output
    }
}
