package org.knime.knip.base.data;

import org.knime.core.data.DataValue;

/**
 * API surface: KNIP's value of cells with an interval (dimensions and axes), implemented by the image cell. Its
 * methods are not used by the nodes.
 * <p>
 * Source checked: knime-ip/knip, org.knime.knip.base/src/org/knime/knip/base/data/IntervalValue.java, tag 1.8.3.
 */
public interface IntervalValue extends DataValue {
}
