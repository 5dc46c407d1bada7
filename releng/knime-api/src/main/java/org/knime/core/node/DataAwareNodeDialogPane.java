package org.knime.core.node;

import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;

/**
 * API surface: a dialog that receives the input data, not only the specs, when the upstream nodes have been
 * executed. When any input holds data, the framework calls {@link #loadSettingsFrom(NodeSettingsRO, PortObject[])}
 * (entries of inputs without data are null); otherwise it calls the spec variant, which by default refuses to open
 * the dialog, so a dialog that also works without data overrides it.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/DataAwareNodeDialogPane.java,
 * commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public abstract class DataAwareNodeDialogPane extends NodeDialogPane {

    @Override
    void callDerivedLoadSettingsFrom(final NodeSettingsRO settings, final PortObjectSpec[] specs,
        final PortObject[] data) throws NotConfigurableException {
        boolean anyData = false;
        for (int i = 0; data != null && i < data.length; i++) {
            anyData |= data[i] != null;
        }
        if (anyData) {
            loadSettingsFrom(settings, data);
        } else {
            loadSettingsFrom(settings, specs);
        }
    }

    @Override
    protected void loadSettingsFrom(final NodeSettingsRO settings, final PortObjectSpec[] specs)
        throws NotConfigurableException {
        throw new NotConfigurableException("This dialog needs the input data; execute the upstream nodes");
    }

    /** Input data of a dialog whose inputs are all tables; not called unless the PortObject variant delegates. */
    protected void loadSettingsFrom(final NodeSettingsRO settings, final BufferedDataTable[] input)
        throws NotConfigurableException {
        throw new NotConfigurableException(getClass().getSimpleName() + " does not load settings from tables");
    }

    /** Input data; by default handed on as tables to {@link #loadSettingsFrom(NodeSettingsRO, BufferedDataTable[])}. */
    protected void loadSettingsFrom(final NodeSettingsRO settings, final PortObject[] input)
        throws NotConfigurableException {
        BufferedDataTable[] tables = new BufferedDataTable[input.length];
        for (int i = 0; i < input.length; i++) {
            if (input[i] != null && !(input[i] instanceof BufferedDataTable)) {
                throw new NotConfigurableException("Input " + i + " is not a data table");
            }
            tables[i] = (BufferedDataTable)input[i];
        }
        loadSettingsFrom(settings, tables);
    }
}
