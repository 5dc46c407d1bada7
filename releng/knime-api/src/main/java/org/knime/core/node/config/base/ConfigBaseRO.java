package org.knime.core.node.config.base;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;

import org.knime.core.node.InvalidSettingsException;

/**
 * API surface (subset): read access to a settings tree. Only the typed getters the nodes and the in-memory
 * test double use are declared; KNIME's interface has many more (char, short, byte, passwords, ...).
 * <p>
 * Source checked: bundle org.knime.core.util, org/knime/core/node/config/base/ConfigBaseRO.java (public source
 * text, declares "@since 5.3" members), KNIME 5.3+.
 */
public interface ConfigBaseRO extends Iterable<String> {

    String getKey();

    void saveToXML(OutputStream os) throws IOException;

    int getInt(String key) throws InvalidSettingsException;

    int getInt(String key, int def);

    long getLong(String key) throws InvalidSettingsException;

    long getLong(String key, long def);

    double getDouble(String key) throws InvalidSettingsException;

    double getDouble(String key, double def);

    boolean getBoolean(String key) throws InvalidSettingsException;

    boolean getBoolean(String key, boolean def);

    String getString(String key) throws InvalidSettingsException;

    String getString(String key, String def);

    int[] getIntArray(String key) throws InvalidSettingsException;

    int[] getIntArray(String key, int... def);

    double[] getDoubleArray(String key) throws InvalidSettingsException;

    double[] getDoubleArray(String key, double... def);

    String[] getStringArray(String key) throws InvalidSettingsException;

    String[] getStringArray(String key, String... def);

    Set<String> keySet();

    boolean containsKey(String key);
}
