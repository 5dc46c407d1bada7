package org.maskseg.knime.trainer;

import java.util.List;

import org.knime.core.node.InvalidSettingsException;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.labels.RegionSet;

/**
 * Checks the "Regions" setting of the Masked Trainer at configure time, as far as the engine can without data
 * ({@link RegionSet#check}); whether a class number exists is known only from the labels, so training checks that.
 */
final class RegionDefinitions {

    private RegionDefinitions() {
    }

    /**
     * @param text the setting; blank means class training and passes
     * @param classNames the class names, background first, or null when they are known only from the data
     * @throws InvalidSettingsException naming the setting, the region and what is wrong
     */
    static void check(final String text, final List<String> classNames) throws InvalidSettingsException {
        try {
            RegionSet.check(text, classNames);
        } catch (InvalidInputException e) {
            throw new InvalidSettingsException("\"Regions\": " + e.getMessage(), e);
        }
    }
}
