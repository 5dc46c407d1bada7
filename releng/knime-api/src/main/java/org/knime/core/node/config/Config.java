package org.knime.core.node.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.config.base.ConfigBase;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * API surface of KNIME's settings tree, with a small in-memory implementation so that settings can be saved,
 * validated and loaded in tests, and written/read in KNIME's XML format (the format of a node's settings.xml:
 * {@code <entry key=".." type="xint" value=".."/>} and nested {@code <config key="..">} elements; arrays are a
 * sub-config with an {@code array-size} entry and entries "0".."n-1").
 * <p>
 * Getters are strict like KNIME's: a missing key or an entry of another type is an
 * {@link InvalidSettingsException}.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/config/Config.java, commit
 * 1b5880a377ed46bd43e0d47318005529eb17f2b6; on-disk format checked against a workflow saved by KNIME Analytics Platform (shared/knime/reference-workflow).
 */
public abstract class Config extends ConfigBase implements ConfigRO, ConfigWO {

    private static final String NS = "http://www.knime.org/2008/09/XMLConfig";

    /** One typed leaf entry; a null value is KNIME's {@code isnull="true"}. */
    private record Entry(String type, String value) {
    }

    private final String m_key;

    private final Map<String, Object> m_children = new LinkedHashMap<>();

    protected Config(final String key) {
        super(key);
        m_key = key;
    }

    /** Creates an empty config of the concrete subclass, used for sub-configurations. */
    protected abstract Config getInstance(String key);

    @Override
    public String getKey() {
        return m_key;
    }

    @Override
    public Config addConfig(final String key) {
        Config c = getInstance(key);
        m_children.put(key, c);
        return c;
    }

    @Override
    public Config getConfig(final String key) throws InvalidSettingsException {
        Object o = m_children.get(key);
        if (!(o instanceof Config)) {
            throw new InvalidSettingsException("Config for key \"" + key + "\" not found.");
        }
        return (Config)o;
    }

    @Override
    public Set<String> keySet() {
        return Collections.unmodifiableSet(m_children.keySet());
    }

    @Override
    public Iterator<String> iterator() {
        return keySet().iterator();
    }

    @Override
    public boolean containsKey(final String key) {
        return m_children.containsKey(key);
    }

    private void put(final String key, final String type, final String value) {
        m_children.put(key, new Entry(type, value));
    }

    private String get(final String key, final String type) throws InvalidSettingsException {
        Object o = m_children.get(key);
        if (o == null) {
            throw new InvalidSettingsException("Config for key \"" + key + "\" not found.");
        }
        if (!(o instanceof Entry e) || !e.type().equals(type)) {
            throw new InvalidSettingsException("Config entry \"" + key + "\" is not of type " + type + ".");
        }
        return e.value();
    }

    private String nonNull(final String key, final String type) throws InvalidSettingsException {
        String v = get(key, type);
        if (v == null) {
            throw new InvalidSettingsException("Config entry \"" + key + "\" is null.");
        }
        return v;
    }

    @Override
    public void addInt(final String key, final int value) {
        put(key, "xint", Integer.toString(value));
    }

    @Override
    public void addLong(final String key, final long value) {
        put(key, "xlong", Long.toString(value));
    }

    @Override
    public void addDouble(final String key, final double value) {
        put(key, "xdouble", Double.toString(value));
    }

    @Override
    public void addBoolean(final String key, final boolean value) {
        put(key, "xboolean", Boolean.toString(value));
    }

    @Override
    public void addString(final String key, final String value) {
        put(key, "xstring", value);
    }

    @Override
    public void addIntArray(final String key, final int... values) {
        Config c = addConfig(key);
        c.addInt("array-size", values.length);
        for (int i = 0; i < values.length; i++) {
            c.addInt(Integer.toString(i), values[i]);
        }
    }

    @Override
    public void addDoubleArray(final String key, final double... values) {
        Config c = addConfig(key);
        c.addInt("array-size", values.length);
        for (int i = 0; i < values.length; i++) {
            c.addDouble(Integer.toString(i), values[i]);
        }
    }

    @Override
    public void addStringArray(final String key, final String... values) {
        Config c = addConfig(key);
        c.addInt("array-size", values.length);
        for (int i = 0; i < values.length; i++) {
            c.addString(Integer.toString(i), values[i]);
        }
    }

    @Override
    public int getInt(final String key) throws InvalidSettingsException {
        try {
            return Integer.parseInt(nonNull(key, "xint"));
        } catch (NumberFormatException e) {
            throw new InvalidSettingsException("Config entry \"" + key + "\" is not an int.", e);
        }
    }

    @Override
    public int getInt(final String key, final int def) {
        try {
            return getInt(key);
        } catch (InvalidSettingsException e) {
            return def;
        }
    }

    @Override
    public long getLong(final String key) throws InvalidSettingsException {
        try {
            return Long.parseLong(nonNull(key, "xlong"));
        } catch (NumberFormatException e) {
            throw new InvalidSettingsException("Config entry \"" + key + "\" is not a long.", e);
        }
    }

    @Override
    public long getLong(final String key, final long def) {
        try {
            return getLong(key);
        } catch (InvalidSettingsException e) {
            return def;
        }
    }

    @Override
    public double getDouble(final String key) throws InvalidSettingsException {
        try {
            return Double.parseDouble(nonNull(key, "xdouble"));
        } catch (NumberFormatException e) {
            throw new InvalidSettingsException("Config entry \"" + key + "\" is not a double.", e);
        }
    }

    @Override
    public double getDouble(final String key, final double def) {
        try {
            return getDouble(key);
        } catch (InvalidSettingsException e) {
            return def;
        }
    }

    @Override
    public boolean getBoolean(final String key) throws InvalidSettingsException {
        String v = nonNull(key, "xboolean");
        if (!v.equals("true") && !v.equals("false")) {
            throw new InvalidSettingsException("Config entry \"" + key + "\" is not a boolean.");
        }
        return Boolean.parseBoolean(v);
    }

    @Override
    public boolean getBoolean(final String key, final boolean def) {
        try {
            return getBoolean(key);
        } catch (InvalidSettingsException e) {
            return def;
        }
    }

    @Override
    public String getString(final String key) throws InvalidSettingsException {
        return get(key, "xstring");
    }

    @Override
    public String getString(final String key, final String def) {
        try {
            return getString(key);
        } catch (InvalidSettingsException e) {
            return def;
        }
    }

    @Override
    public int[] getIntArray(final String key) throws InvalidSettingsException {
        Config c = getConfig(key);
        int[] a = new int[c.getInt("array-size")];
        for (int i = 0; i < a.length; i++) {
            a[i] = c.getInt(Integer.toString(i));
        }
        return a;
    }

    @Override
    public int[] getIntArray(final String key, final int... def) {
        try {
            return getIntArray(key);
        } catch (InvalidSettingsException e) {
            return def;
        }
    }

    @Override
    public double[] getDoubleArray(final String key) throws InvalidSettingsException {
        Config c = getConfig(key);
        double[] a = new double[c.getInt("array-size")];
        for (int i = 0; i < a.length; i++) {
            a[i] = c.getDouble(Integer.toString(i));
        }
        return a;
    }

    @Override
    public double[] getDoubleArray(final String key, final double... def) {
        try {
            return getDoubleArray(key);
        } catch (InvalidSettingsException e) {
            return def;
        }
    }

    @Override
    public String[] getStringArray(final String key) throws InvalidSettingsException {
        Config c = getConfig(key);
        String[] a = new String[c.getInt("array-size")];
        for (int i = 0; i < a.length; i++) {
            a[i] = c.getString(Integer.toString(i));
        }
        return a;
    }

    @Override
    public String[] getStringArray(final String key, final String... def) {
        try {
            return getStringArray(key);
        } catch (InvalidSettingsException e) {
            return def;
        }
    }

    /** Writes this tree in KNIME's XML format; the stream is closed afterwards, as in KNIME. */
    @Override
    public void saveToXML(final OutputStream os) throws IOException {
        try (Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8)) {
            w.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            w.write("<config xmlns=\"" + NS + "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xsi:schemaLocation=\"" + NS + " http://www.knime.org/XMLConfig_2008_09.xsd\" key=\""
                + escape(m_key) + "\">\n");
            writeChildren(w);
            w.write("</config>\n");
        }
    }

    private void writeChildren(final Writer w) throws IOException {
        for (Map.Entry<String, Object> e : m_children.entrySet()) {
            if (e.getValue() instanceof Config c) {
                if (c.m_children.isEmpty()) {
                    w.write("<config key=\"" + escape(e.getKey()) + "\"/>\n");
                } else {
                    w.write("<config key=\"" + escape(e.getKey()) + "\">\n");
                    c.writeChildren(w);
                    w.write("</config>\n");
                }
            } else {
                Entry v = (Entry)e.getValue();
                w.write("<entry key=\"" + escape(e.getKey()) + "\" type=\"" + v.type() + "\""
                    + (v.value() == null ? " isnull=\"true\" value=\"\"" : " value=\"" + escape(v.value()) + "\"")
                    + "/>\n");
            }
        }
    }

    private static String escape(final String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\n' -> sb.append("&#10;");
                case '\r' -> sb.append("&#13;");
                case '\t' -> sb.append("&#9;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    /**
     * Reads KNIME's XML settings format into the empty {@code target}. Used by the static {@code loadFromXML}
     * methods of the concrete settings classes.
     */
    protected static void readXML(final Config target, final InputStream in) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(false);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Element root = f.newDocumentBuilder().parse(in).getDocumentElement();
            if (!"config".equals(root.getTagName())) {
                throw new IOException("Not a KNIME settings file: root element is <" + root.getTagName() + ">");
            }
            target.readChildren(root);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("Not a readable KNIME settings file: " + e.getMessage(), e);
        }
    }

    private void readChildren(final Element parent) throws IOException {
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (!(n instanceof Element el)) {
                continue;
            }
            String key = el.getAttribute("key");
            if ("config".equals(el.getTagName())) {
                addConfig(key).readChildren(el);
            } else if ("entry".equals(el.getTagName())) {
                boolean isNull = "true".equals(el.getAttribute("isnull"));
                put(key, el.getAttribute("type"), isNull ? null : el.getAttribute("value"));
            } else {
                throw new IOException("Unexpected element <" + el.getTagName() + "> in settings");
            }
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + m_key + ": " + m_children.keySet() + "]";
    }
}
