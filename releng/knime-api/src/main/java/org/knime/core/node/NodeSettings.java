package org.knime.core.node;

import java.io.IOException;
import java.io.InputStream;

import org.knime.core.node.config.Config;

/**
 * API surface of KNIME's node settings, backed by the in-memory {@link Config}.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/NodeSettings.java, commit
 * 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class NodeSettings extends Config implements NodeSettingsRO, NodeSettingsWO {

    public NodeSettings(final String key) {
        super(key);
    }

    @Override
    protected Config getInstance(final String key) {
        return new NodeSettings(key);
    }

    @Override
    public NodeSettingsWO addNodeSettings(final String key) {
        return (NodeSettings)addConfig(key);
    }

    @Override
    public NodeSettings getNodeSettings(final String key) throws InvalidSettingsException {
        return (NodeSettings)getConfig(key);
    }

    /** Reads settings written in KNIME's XML format (e.g. a node's settings.xml). */
    public static NodeSettingsRO loadFromXML(final InputStream in) throws IOException {
        NodeSettings s = new NodeSettings("ignored");
        readXML(s, in);
        return s;
    }
}
