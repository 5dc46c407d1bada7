package org.knime.core.node.config.base;

/**
 * API surface (subset): write access to a settings tree.
 * <p>
 * Source checked: bundle org.knime.core.util, org/knime/core/node/config/base/ConfigBaseWO.java (public source
 * text), KNIME 5.3+.
 */
public interface ConfigBaseWO {

    String getKey();

    void addInt(String key, int value);

    void addLong(String key, long value);

    void addDouble(String key, double value);

    void addBoolean(String key, boolean value);

    void addString(String key, String value);

    void addIntArray(String key, int... values);

    void addDoubleArray(String key, double... values);

    void addStringArray(String key, String... values);
}
