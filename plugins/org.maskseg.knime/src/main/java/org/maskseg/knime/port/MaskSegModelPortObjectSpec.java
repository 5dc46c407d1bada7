package org.maskseg.knime.port;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.ModelContentRO;
import org.knime.core.node.ModelContentWO;
import org.knime.core.node.port.AbstractSimplePortObjectSpec;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.plan.Plan;

/**
 * What downstream nodes may know about a MaskSeg model before it exists: dimensionality, input channels, classes,
 * the ignore value and the patch size. Taken from the model's plan.
 */
public final class MaskSegModelPortObjectSpec extends AbstractSimplePortObjectSpec {

    private static final String KEY_CONFIGURATION = "configuration";

    private static final String KEY_CHANNELS = "input_channels";

    private static final String KEY_CLASSES = "class_names";

    private static final String KEY_IGNORE = "ignore_value";

    private static final String KEY_PATCH = "patch_size";

    private static final String KEY_REGIONS = "region_names";

    private String m_configuration = "2d";

    private int m_inputChannels = 1;

    private List<String> m_classNames = List.of("background", "class 1");

    private int m_ignoreValue = 2;

    private int[] m_patchSize = {};

    private List<String> m_regionNames = List.of();

    /** For deserialization only. */
    public MaskSegModelPortObjectSpec() {
    }

    public MaskSegModelPortObjectSpec(final String configuration, final int inputChannels,
        final List<String> classNames, final int ignoreValue, final int[] patchSize) {
        this(configuration, inputChannels, classNames, ignoreValue, patchSize, List.of());
    }

    /**
     * @param regionNames the regions of a region-based model, in output order; empty for a class model
     */
    public MaskSegModelPortObjectSpec(final String configuration, final int inputChannels,
        final List<String> classNames, final int ignoreValue, final int[] patchSize, final List<String> regionNames) {
        m_configuration = Objects.requireNonNull(configuration);
        m_inputChannels = inputChannels;
        m_classNames = List.copyOf(classNames);
        m_ignoreValue = ignoreValue;
        m_patchSize = patchSize.clone();
        m_regionNames = List.copyOf(regionNames);
    }

    /** The spec of a model trained with this plan. */
    public static MaskSegModelPortObjectSpec of(final Plan plan) {
        Targets t = plan.targets;
        return new MaskSegModelPortObjectSpec(plan.configuration, plan.imageChannels(), t.classNames(), t.ignoreValue(),
            plan.patchSize, t.regions().names());
    }

    /** The spec of a trained model (as read from a model file). */
    public static MaskSegModelPortObjectSpec of(final TrainedModel model) {
        return new MaskSegModelPortObjectSpec(model.plan().configuration, model.inputChannels(),
            model.labels().classNames(), model.labels().ignoreValue(), model.plan().patchSize,
            model.regions().names());
    }

    /** "2d" or "3d". */
    public String getConfiguration() {
        return m_configuration;
    }

    public int getInputChannels() {
        return m_inputChannels;
    }

    public int getNumClasses() {
        return m_classNames.size();
    }

    public List<String> getClassNames() {
        return m_classNames;
    }

    public int getIgnoreValue() {
        return m_ignoreValue;
    }

    /** The regions of a region-based model, in output order; empty for a class model. */
    public List<String> getRegionNames() {
        return m_regionNames;
    }

    public boolean isRegionBased() {
        return !m_regionNames.isEmpty();
    }

    /** Training patch size, x first. */
    public int[] getPatchSize() {
        return m_patchSize.clone();
    }

    @Override
    protected void save(final ModelContentWO model) {
        model.addString(KEY_CONFIGURATION, m_configuration);
        model.addInt(KEY_CHANNELS, m_inputChannels);
        model.addStringArray(KEY_CLASSES, m_classNames.toArray(String[]::new));
        model.addInt(KEY_IGNORE, m_ignoreValue);
        model.addIntArray(KEY_PATCH, m_patchSize);
        model.addStringArray(KEY_REGIONS, m_regionNames.toArray(String[]::new));
    }

    @Override
    protected void load(final ModelContentRO model) throws InvalidSettingsException {
        m_configuration = model.getString(KEY_CONFIGURATION);
        m_inputChannels = model.getInt(KEY_CHANNELS);
        m_classNames = List.of(model.getStringArray(KEY_CLASSES));
        m_ignoreValue = model.getInt(KEY_IGNORE);
        m_patchSize = model.getIntArray(KEY_PATCH);
        // absent in specs saved before region-based models were shown in the spec: a class model
        m_regionNames = List.of(model.getStringArray(KEY_REGIONS, new String[0]));
    }

    /** One line for port tooltips and summaries. */
    public String describe() {
        return m_configuration.toUpperCase() + " model, " + m_inputChannels + " channel"
            + (m_inputChannels == 1 ? "" : "s") + ", classes " + m_classNames + ", ignore value " + m_ignoreValue
            + (m_regionNames.isEmpty() ? "" : ", regions " + m_regionNames)
            + (m_patchSize.length == 0 ? "" : ", patch " + Arrays.toString(m_patchSize));
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof MaskSegModelPortObjectSpec s && s.m_configuration.equals(m_configuration)
            && s.m_inputChannels == m_inputChannels && s.m_classNames.equals(m_classNames)
            && s.m_ignoreValue == m_ignoreValue && Arrays.equals(s.m_patchSize, m_patchSize)
            && s.m_regionNames.equals(m_regionNames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(m_configuration, m_inputChannels, m_classNames, m_ignoreValue,
            Arrays.hashCode(m_patchSize), m_regionNames);
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Registered in plugin.xml (org.knime.core.PortType, specSerializer). */
    public static final class Serializer extends AbstractSimplePortObjectSpecSerializer<MaskSegModelPortObjectSpec> {
    }
}
