package org.knime.core.node.defaultnodesettings;

/**
 * API surface: common base of numeric settings (what DialogComponentNumber accepts).
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/defaultnodesettings/SettingsModelNumber.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public abstract class SettingsModelNumber extends SettingsModel {
}
