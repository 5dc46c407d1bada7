package net.imagej.axis;

/**
 * API surface: the standard axis types.
 * <p>
 * Source checked: imagej/imagej-common, src/main/java/net/imagej/axis/Axes.java (as used by KNIME Image Processing 1.8).
 */
public final class Axes {

    public static final AxisType X = new Type("X", true);

    public static final AxisType Y = new Type("Y", true);

    public static final AxisType Z = new Type("Z", true);

    public static final AxisType TIME = new Type("Time", false);

    public static final AxisType CHANNEL = new Type("Channel", false);

    private Axes() {
    }

    private record Type(String label, boolean spatial) implements AxisType {
        @Override
        public String getLabel() {
            return label;
        }

        @Override
        public boolean isSpatial() {
            return spatial;
        }

        @Override
        public String toString() {
            return label;
        }
    }
}
