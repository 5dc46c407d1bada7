package org.maskseg.knime.util;

import java.io.File;

import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeModel;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.NodeSettingsWO;
import org.knime.core.node.port.PortType;

/**
 * What every MaskSeg node model shares: its settings are one {@link SettingsGroup}, saved, validated and loaded
 * through it, and its results live in its output tables or in the model port's file store, so there are no
 * internals to save and, unless a node caches something between executions, nothing to reset.
 *
 * @param <S> the node's settings
 */
public abstract class SettingsNodeModel<S extends SettingsGroup> extends NodeModel {

    /** The node's live settings. */
    protected final S m_settings;

    protected SettingsNodeModel(final int nrInDataPorts, final int nrOutDataPorts, final S settings) {
        super(nrInDataPorts, nrOutDataPorts);
        m_settings = settings;
    }

    protected SettingsNodeModel(final PortType[] inPortTypes, final PortType[] outPortTypes, final S settings) {
        super(inPortTypes, outPortTypes);
        m_settings = settings;
    }

    /** The node's live settings. */
    public final S settings() {
        return m_settings;
    }

    @Override
    protected final void saveSettingsTo(final NodeSettingsWO settings) {
        m_settings.saveTo(settings);
    }

    @Override
    protected final void validateSettings(final NodeSettingsRO settings) throws InvalidSettingsException {
        m_settings.validate(settings);
    }

    @Override
    protected final void loadValidatedSettingsFrom(final NodeSettingsRO settings) throws InvalidSettingsException {
        m_settings.loadFrom(settings);
    }

    @Override
    protected void reset() {
        // nothing cached between executions
    }

    @Override
    protected final void loadInternals(final File nodeInternDir, final ExecutionMonitor exec) {
        // the results are the output tables and port objects, which KNIME saves itself
    }

    @Override
    protected final void saveInternals(final File nodeInternDir, final ExecutionMonitor exec) {
        // the results are the output tables and port objects, which KNIME saves itself
    }
}
