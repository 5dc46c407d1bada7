package org.knime.core.node;

import java.io.IOException;
import java.io.InputStream;

import org.knime.core.node.config.Config;

/**
 * API surface of KNIME's model content, backed by the in-memory {@link Config}.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/ModelContent.java, commit
 * 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class ModelContent extends Config implements ModelContentRO, ModelContentWO {

    public ModelContent(final String key) {
        super(key);
    }

    @Override
    protected Config getInstance(final String key) {
        return new ModelContent(key);
    }

    @Override
    public ModelContentWO addModelContent(final String key) {
        return (ModelContent)addConfig(key);
    }

    @Override
    public ModelContent getModelContent(final String key) throws InvalidSettingsException {
        return (ModelContent)getConfig(key);
    }

    /** Reads model content written in KNIME's XML format. */
    public static ModelContentRO loadFromXML(final InputStream in) throws IOException {
        ModelContent m = new ModelContent("ignored");
        readXML(m, in);
        return m;
    }
}
