package net.imagej.axis;

import java.util.HashMap;
import java.util.Map;

/**
 * API surface (subset): the standard axis types. As in the real class, one instance exists per label, so types
 * may be compared by identity.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/axis/Axes.java.
 */
public final class Axes {

    private static final Map<String, AxisType> TYPES = new HashMap<>();

    public static final AxisType X = get("X", true);

    public static final AxisType Y = get("Y", true);

    public static final AxisType Z = get("Z", true);

    public static final AxisType TIME = get("Time");

    public static final AxisType CHANNEL = get("Channel");

    private Axes() {
    }

    public static AxisType get(final String label) {
        return get(label, false);
    }

    public static AxisType get(final String label, final boolean spatial) {
        synchronized (TYPES) {
            return TYPES.computeIfAbsent(label, l -> new DefaultAxisType(l, spatial));
        }
    }

    public static AxisType unknown() {
        return get("Unknown");
    }
}
