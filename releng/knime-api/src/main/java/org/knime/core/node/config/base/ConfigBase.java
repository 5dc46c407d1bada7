package org.knime.core.node.config.base;

/**
 * API surface: the typed settings tree of {@code org.knime.core.util}. In KNIME it holds the entries; here the
 * in-memory implementation lives in {@link org.knime.core.node.config.Config}, which extends this class as KNIME's does.
 * <p>
 * Source checked: knime/knime-shared, org.knime.core.util/src/main/java/org/knime/core/node/config/base/ConfigBase.java, commit 63efb3f4c044c1acb1324b77d2f05908b2be4114.
 */
public abstract class ConfigBase extends AbstractConfigEntry implements ConfigBaseRO, ConfigBaseWO {

    private static final long serialVersionUID = 1L;

    /**
     * @param key the key of this settings (sub)tree
     */
    public ConfigBase(final String key) {
        if (key == null) {
            throw new IllegalArgumentException("Config key must not be null");
        }
    }
}
